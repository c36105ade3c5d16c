import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventSource } from 'eventsource';
import fc from 'fast-check';
import { startFakePlatforms, type FakePlatforms } from '../support/fake-platforms.js';
import { signupWorkspace, type Session } from '../support/fixtures.js';
import { createInbox, type Inbox } from '../support/inbox-fixtures.js';
import { commitEvents, customerPayload } from '../support/realtime-helpers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { openSse, type SseReader } from '../support/sse-reader.js';

/**
 * SSE framing: whatever JSON content a customer or message field holds — newlines, `\r`, U+2028,
 * emoji, lone surrogates, text that looks like SSE fields, very long strings — the `data:` line parses back
 * to exactly what the REST API answered, on a raw `node:http` reader and on the `eventsource` package.
 * Lone surrogates and NUL cannot be stored as UTF-8 text: they arrive as U+FFFD, the same on REST and SSE.
 */
const RUNS = Number(process.env.SSE_FRAMING_RUNS ?? 60);

const tricky = fc.constantFrom(
  '\n',
  '\r',
  '\r\n',
  '\n\n',
  'data: injected\n\nid: 1\nevent: ping\n\n',
  ': comment\r\n\r\n',
  '\u2028\u2029',
  '\u0085 NEL',
  '😀👩‍👩‍👧‍👦🇻🇳',
  '\ud800',
  'low \udfff',
  '\u0000',
  '\ufeffBOM',
  '"\\/\b\f\t',
);
const field = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 150 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(tricky, fc.string({ maxLength: 5 })), { maxLength: 8 })
      .map((parts) => parts.join('')),
  },
);
const longField = fc.oneof(field, fc.string({ unit: 'binary', minLength: 3000, maxLength: 4000 }));

/** What UTF-8 text storage makes of a JS string: lone surrogates become U+FFFD (and so does NUL, here). */
function asStored(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8').replaceAll('\u0000', '\ufffd');
}

function notBlank(text: string): string {
  return /\S/.test(text) ? text : `${text}x`;
}

describe('SSE framing: any JSON content arrives intact through real clients', () => {
  let fake: FakePlatforms;
  let t: TestApp;
  let admin: Session;
  let inbox: Inbox;
  let raw: SseReader;
  let source: EventSource;
  const viaEventSource: Array<{ type: string; data: string; lastEventId: string }> = [];

  beforeAll(async () => {
    fake = await startFakePlatforms();
    t = await startTestApp({ env: fake.env() });
    admin = await signupWorkspace(t, 'Framing');
    inbox = await createInbox(t, admin, { messageCount: 0 });
    raw = await openSse(`${t.baseUrl}/api/events/stream`, admin.auth);
    await raw.waitFor((frames) => frames.length >= 1);
    source = new EventSource(`${t.baseUrl}/api/events/stream`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...admin.auth } }),
    });
    for (const type of ['customer_created', 'message_sent']) {
      source.addEventListener(type, (event: MessageEvent) =>
        viaEventSource.push({ type, data: event.data as string, lastEventId: event.lastEventId }),
      );
    }
    await new Promise<void>((resolve) => source.addEventListener('connected', () => resolve()));
  });
  afterAll(async () => {
    source?.close();
    raw?.close();
    await t?.close();
    await fake?.close();
  });

  /** The event `type` whose data has this id, from both clients, parsed. */
  async function receivedBoth(type: string, id: string): Promise<[unknown, unknown]> {
    const matches = (data: string | undefined) =>
      data !== undefined && (JSON.parse(data) as { id?: string }).id === id;
    const frames = await raw.waitFor(() =>
      raw.events().some((frame) => frame.event === type && matches(frame.data)),
    );
    const frame = frames.find((candidate) => candidate.event === type && matches(candidate.data))!;
    const deadline = Date.now() + 10_000;
    let event = viaEventSource.find((candidate) => candidate.type === type && matches(candidate.data));
    while (!event && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      event = viaEventSource.find((candidate) => candidate.type === type && matches(candidate.data));
    }
    if (!event) throw new Error(`eventsource client did not get ${type} ${id}`);
    expect(event.lastEventId).toBe(frame.id);
    return [JSON.parse(frame.data!), JSON.parse(event.data)];
  }

  it(`customer fields: ${RUNS} generated name/notes pairs arrive as the REST API answered them`, async () => {
    await fc.assert(
      fc.asyncProperty(field, longField, async (name, notes) => {
        const response = await t.http().post('/api/customers').set(admin.auth).send({ name, notes });
        expect(response.status).toBeLessThan(500);
        if (response.status !== 201) return;
        const customer = response.body as { id: string; name: string | null; notes: string | null };
        const [fromRaw, fromEventSource] = await receivedBoth('customer_created', customer.id);
        expect(fromRaw).toEqual(customer);
        expect(fromEventSource).toEqual(customer);
        // Customer fields are trimmed and blank ones cleared (customers.service); otherwise as sent.
        expect(customer.name).toBe(asStored(name).trim() || null);
        expect(customer.notes).toBe(asStored(notes).trim() || null);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it(`message content: ${Math.ceil(RUNS / 2)} generated replies arrive as the REST API answered them`, async () => {
    await fc.assert(
      fc.asyncProperty(longField.map(notBlank), async (content) => {
        const response = await t
          .http()
          .post(`/api/conversations/${inbox.conversation.id}/messages`)
          .set(admin.auth)
          .send({ content });
        expect(response.status).toBeLessThan(500);
        if (response.status !== 202) return;
        const message = response.body as { id: string; content: string };
        const [fromRaw, fromEventSource] = await receivedBoth('message_sent', message.id);
        expect(fromRaw).toEqual(message);
        expect(fromEventSource).toEqual(message);
        expect(message.content).toBe(asStored(content));
      }),
      { numRuns: Math.ceil(RUNS / 2), endOnFailure: true },
    );
  });

  it('a NUL character in a customer field or a reply is answered without a 5xx (found by this fuzz)', async () => {
    const customer = await t
      .http()
      .post('/api/customers')
      .set(admin.auth)
      .send({ name: 'nul \u0000 inside', notes: '\u0000' });
    expect(customer.status).toBeLessThan(500);
    const reply = await t
      .http()
      .post(`/api/conversations/${inbox.conversation.id}/messages`)
      .set(admin.auth)
      .send({ content: 'nul \u0000' });
    expect(reply.status).toBeLessThan(500);
  });

  it('a 500,000-character field full of line breaks and emoji arrives in one data line, byte-identical', async () => {
    const name = Array.from(
      { length: 25_000 },
      (_, index) => ['\n', '\r', '\u2028', '😀', 'data: x', '\r\n\r\n'][index % 6] + 'abcdefghijklmn',
    ).join('');
    const payload = customerPayload(name);
    await commitEvents(t, [
      { name: 'customer.created', scope: { workspaceId: admin.user.workspaceId }, data: payload },
    ]);
    const [fromRaw, fromEventSource] = await receivedBoth('customer_created', payload.id);
    expect(fromRaw).toEqual(payload);
    expect(fromEventSource).toEqual(payload);
    const frame = raw.events().find((candidate) => candidate.data?.includes(payload.id))!;
    expect(frame.raw.split('\n').filter((line) => line.startsWith('data:'))).toHaveLength(1);
  }, 60_000);
});
