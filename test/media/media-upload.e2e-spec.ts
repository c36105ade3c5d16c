import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { createInbox, setChannelMembers } from '../support/inbox-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const UPLOAD_MAX_BYTES = 64 * 1024;
/** A 1×1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

/** Every file under the media dir (temp files included). */
function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

interface UploadBody {
  id: string;
  type: string;
  name: string;
  mimeType: string;
  size: number;
  url: string;
}

describe('media: uploads and serving', () => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp({ env: { UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES) } });
    admin = await signupWorkspace(t);
  });
  afterAll(async () => {
    await t.close();
  });

  function upload(session: Session, bytes: Buffer, filename: string) {
    return t.http().post('/api/uploads').set(session.auth).attach('file', bytes, { filename, contentType: 'application/octet-stream' });
  }

  it('reads the type from the bytes: a PNG named .pdf is an image/png', async () => {
    const response = await upload(admin, PNG, 'report.pdf').expect(201);
    const body = response.body as UploadBody;
    expect(body).toEqual({ id: expect.any(String), type: 'image', name: 'report.pdf', mimeType: 'image/png', size: PNG.length, url: `/api/media/${body.id}` });
  });

  it('refuses HTML named .png, SVG, and an empty file with 400, keeping nothing', async () => {
    const before = filesUnder(t.config.mediaDir).length;
    await upload(admin, Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'), 'cat.png').expect(400);
    await upload(admin, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'cat.svg').expect(400);
    await upload(admin, Buffer.alloc(0), 'empty.png').expect(400);
    await t.http().post('/api/uploads').set(admin.auth).send({ file: 'x' }).expect(400);
    expect(filesUnder(t.config.mediaDir).length).toBe(before);
  });

  it('answers 413 to a streamed upload past UPLOAD_MAX_BYTES and leaves no file behind', async () => {
    const before = filesUnder(t.config.mediaDir).length;
    const boundary = 'mediaboundary';
    const url = new URL('/api/uploads', t.baseUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(url, {
        method: 'POST',
        headers: { ...admin.auth, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
      request.write(PNG);
      let sent = 0;
      const chunk = Buffer.alloc(8192, 1);
      const pump = () => {
        while (sent < UPLOAD_MAX_BYTES * 4) {
          sent += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        request.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
    expect(status).toBe(413);
    expect(filesUnder(t.config.mediaDir).length).toBe(before);
  });

  it('serves an unsent upload to its uploader and admins only, with ETag/304 and Range', async () => {
    const agent = await createUser(t, admin, 'agent');
    const other = await createUser(t, admin, 'agent');
    const uploaded = (await upload(agent, PNG, 'dot.png').expect(201)).body as UploadBody;

    const whole = await t.http().get(uploaded.url).set(agent.auth).buffer(true).expect(200);
    expect(whole.headers['content-type']).toBe('image/png');
    expect(whole.headers['content-length']).toBe(String(PNG.length));
    expect(whole.headers['cache-control']).toContain('private');
    expect(whole.headers['x-content-type-options']).toBe('nosniff');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-disposition']).toMatch(/^inline/);
    expect(Buffer.compare(whole.body as Buffer, PNG)).toBe(0);

    const etag = whole.headers.etag;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    await t.http().get(uploaded.url).set(agent.auth).set('If-None-Match', etag).expect(304);

    const part = await t.http().get(uploaded.url).set(agent.auth).set('Range', 'bytes=0-7').buffer(true).expect(206);
    expect(part.headers['content-range']).toBe(`bytes 0-7/${PNG.length}`);
    expect(Buffer.compare(part.body as Buffer, PNG.subarray(0, 8))).toBe(0);
    await t.http().get(uploaded.url).set(agent.auth).set('Range', `bytes=${PNG.length}-`).expect(416);

    await t.http().get(uploaded.url).set(admin.auth).expect(200);
    await t.http().get(uploaded.url).set(other.auth).expect(404);
    const stranger = await signupWorkspace(t, 'Other workspace');
    await t.http().get(uploaded.url).set(stranger.auth).expect(404);
    await t.http().get(uploaded.url).expect(401);
    await t.http().get('/api/media/not-a-uuid').set(agent.auth).expect(400);
  });

  it('serves a plain-text file as an attachment', async () => {
    const uploaded = (await upload(admin, Buffer.from('hello, just text\n'), 'notes.txt').expect(201)).body as UploadBody;
    expect(uploaded.mimeType).toBe('text/plain');
    const response = await t.http().get(uploaded.url).set(admin.auth).expect(200);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="notes.txt"/);
  });

  it("follows the message's visibility once attached: workspace and channel membership", async () => {
    const inbox = await createInbox(t, admin, { messageCount: 1 });
    const member = await createUser(t, admin, 'agent');
    const outsider = await createUser(t, admin, 'agent');
    await setChannelMembers(t, admin, inbox.channel.id, [member.user.id]);
    const uploaded = (await upload(admin, PNG, 'sent.png').expect(201)).body as UploadBody;
    await t.app.get(DataSource).query(`UPDATE media SET message_id = $2 WHERE id = $1`, [uploaded.id, inbox.messages[0].id]);

    await t.http().get(uploaded.url).set(member.auth).expect(200);
    await t.http().get(uploaded.url).set(admin.auth).expect(200);
    await t.http().get(uploaded.url).set(outsider.auth).expect(404);
  });
});
