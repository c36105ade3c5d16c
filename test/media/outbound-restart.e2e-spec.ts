/**
 * A restart between the parts of a message: the instance stops after the platform accepted part 1, a new
 * instance on the same database sends parts 2 and 3 once, and part 1 never again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { OutboundSenderService } from '../../src/platforms/outbound/outbound-sender.service.js';
import { startFakePlatforms, type FakePlatforms } from '../support/fake-platforms.js';
import { signupWorkspace } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitForMessageStatus, workspaceEvents } from '../platforms/platform-test-helpers.js';
import { messageParts, openThread, pngImage, postMessage, upload } from './outbound-helpers.js';

/** The parts' platform ids, read straight from the database (no instance running). */
async function partIdsAt(databaseUrl: string, messageId: string): Promise<Array<string | null>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ platform_message_id: string | null }>(
      'SELECT platform_message_id FROM message_parts WHERE message_id = $1 ORDER BY part_index',
      [messageId],
    );
    return result.rows.map((row) => row.platform_message_id);
  } finally {
    await client.end();
  }
}

describe('outbound attachments: a restart between parts', () => {
  let fake: FakePlatforms;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    fake = await startFakePlatforms();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await fake.close();
  });

  it('resumes with the next part on a new instance and never re-sends an accepted one', async () => {
    // Both instances share the media store, as instances of one deployment do.
    const env = { ...fake.env(), MEDIA_DIR: mkdtempSync(join(tmpdir(), 'crm-inbox-media-')) };
    const first = await startTestApp({ env });
    const admin = await signupWorkspace(first);
    const thread = await openThread({ t: first, admin, fake }, 'facebook');
    const images = [pngImage(1), pngImage(2)];
    const ids = [await upload(first, admin, images[0], 'a.png'), await upload(first, admin, images[1], 'b.png')];

    // Part 1 is answered (accepted) only once the instance has begun to stop.
    let answerPartOne!: () => void;
    const partOneAnswered = new Promise<void>((resolve) => (answerPartOne = resolve));
    fake.script('facebook', async () => {
      await partOneAnswered;
      return fake.replies.facebook.success('restart-1');
    });
    const message = (
      await postMessage(first, admin, thread.conversationId, { content: 'before and after', attachmentIds: ids }).expect(202)
    ).body as { id: string };
    await fake.waitForRequests('facebook', 1);
    const sender = first.app.get(OutboundSenderService);
    const stopSender = sender.beforeApplicationShutdown.bind(sender);
    sender.beforeApplicationShutdown = () => {
      const stopped = stopSender();
      answerPartOne();
      return stopped;
    };
    await first.close();
    expect(fake.requests('facebook')).toHaveLength(1);
    expect(await partIdsAt(first.databaseUrl, message.id)).toEqual(['restart-1', null, null]);

    fake.script('facebook', fake.replies.facebook.success('restart-2'), fake.replies.facebook.success('restart-3'));
    const second = await startTestApp({ env, databaseUrl: first.databaseUrl });
    apps.push(second);
    const sent = await waitForMessageStatus(second, message.id, ['sent'], 15_000);
    expect(sent.platform_message_id).toBe('restart-1');
    await new Promise((resolve) => setTimeout(resolve, 700));
    const requests = fake.requests('facebook');
    expect(requests).toHaveLength(3);
    expect(requests[0].body.message.text).toBe('before and after');
    expect(
      requests.slice(1).map((request) => request.multipart?.find((part) => part.name === 'filedata')?.filename),
    ).toEqual(['a.png', 'b.png']);
    expect((await messageParts(second, message.id)).map((part) => part.platform_message_id)).toEqual([
      'restart-1',
      'restart-2',
      'restart-3',
    ]);
    const statuses = (await workspaceEvents(second, admin.user.workspaceId))
      .filter((event) => event.type === 'message_sent' && event.data.id === message.id)
      .map((event) => event.data.status);
    expect(statuses).toEqual(['pending', 'sent']);
  });
});
