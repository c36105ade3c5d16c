import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { signupWorkspace, type Session } from '../support/fixtures.js';
import { commitCustomerCreated } from '../support/realtime-helpers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { openSse } from '../support/sse-reader.js';

/**
 * `Last-Event-ID` / `lastEventId` / `after` fuzz: negative, huge, non-numeric, padded, unicode and
 * future ids, in the header, the query or both. Every stream answers 200 and either resumes with exactly the
 * events after the id (no gap, no duplicate) or, for an id that is not decimal or beyond the head, says
 * `resync` with the head id — and then carries on live (a 400 would make a browser EventSource give up).
 * GET /api/events answers 200 with exactly the events after the id, or 400; never a 5xx.
 */
const BATCHES = Number(process.env.RESUME_FUZZ_BATCHES ?? 15);
const PER_BATCH = 8;
const HEARTBEAT_MS = 200;
const EVENT_ID_PATTERN = /^\d{1,20}$/;
/** The offset marking "an id in the future": resolved against the head when the case runs. */
const FUTURE = 'future:';

const idText = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 60 }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 10_000 }).map((offset) => `${FUTURE}${offset}`) },
  { weight: 2, arbitrary: fc.integer({ min: -10_000, max: -1 }).map(String) },
  { weight: 2, arbitrary: fc.bigInt({ min: 10n ** 15n, max: 10n ** 40n }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '9007199254740991',
      '9007199254740992',
      '9007199254740993',
      '18446744073709551615',
      '99999999999999999999',
      '00000000000000000001',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '1.5',
      '1e3',
      '0x10',
      '+5',
      ' 7 ',
      '007',
      '',
      ' ',
      'abc',
      'NaN',
      'Infinity',
      '-0',
      '٣',
      '１２',
      '1,2',
      '1 2',
      '%00',
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
);
const placement = fc.constantFrom('header', 'query', 'both');
const caseArbitrary = fc.record({ id: idText, placement, other: idText });

/** What a header may carry on the wire (node refuses control and non-latin1 characters). */
function headerSafe(value: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(value);
}

describe('resume id fuzz: every Last-Event-ID / lastEventId / after gets a defined answer', () => {
  let t: TestApp;
  let admin: Session;
  const counts = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestApp({
      env: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS), SSE_MAX_CONNECTIONS_PER_USER: String(PER_BATCH * 2) },
    });
    admin = await signupWorkspace(t, 'Resume fuzz');
    for (let index = 0; index < 30; index++)
      await commitCustomerCreated(t, admin.user.workspaceId, `seed ${index}`);
  });
  afterAll(async () => {
    process.stdout.write(`resume fuzz outcomes: ${JSON.stringify(Object.fromEntries([...counts].sort()))}\n`);
    await t?.close();
  });

  async function logIds(): Promise<number[]> {
    const rows = await t.app
      .get(DataSource)
      .query<Array<{ id: string }>>("SELECT id FROM events WHERE type <> 'access_changed' ORDER BY id");
    return rows.map((row) => Number(row.id));
  }

  function resolve(value: string, head: number): string {
    return value.startsWith(FUTURE) ? String(head + Number(value.slice(FUTURE.length))) : value;
  }

  function count(key: string): void {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  it(`${BATCHES * PER_BATCH} streams opened with generated resume ids: exact resume or resync, then live`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(caseArbitrary, { minLength: PER_BATCH, maxLength: PER_BATCH }),
        async (cases) => {
          const ids = await logIds();
          const head = ids[ids.length - 1];
          const opened = await Promise.all(
            cases.map(async (generated) => {
              let header = resolve(generated.id, head);
              const query = generated.placement === 'both' ? resolve(generated.other, head) : header;
              let placement = generated.placement;
              if (placement !== 'query' && !headerSafe(header)) placement = 'query';
              if (placement === 'query') header = '';
              const headers: Record<string, string> = { ...admin.auth };
              if (placement !== 'query') headers['Last-Event-ID'] = header;
              const url =
                placement === 'header'
                  ? '/api/events/stream'
                  : `/api/events/stream?lastEventId=${encodeURIComponent(query)}`;
              const reader = await openSse(`${t.baseUrl}${url}`, headers);
              return {
                reader,
                header: placement === 'query' ? undefined : header,
                query: placement === 'header' ? undefined : query,
              };
            }),
          );
          try {
            for (const { reader, header, query } of opened) {
              // A non-blank header wins over the query; whatever either says, the stream opens.
              const effective = header !== undefined && header.trim() !== '' ? header.trim() : query;
              const status = reader.status;
              expect({ header, query, status }).toEqual({ header, query, status: 200 });
              await reader.waitFor((frames) =>
                frames.some((frame) => frame.event === 'ping' && Number(frame.id) >= head),
              );
              const resync = reader.frames.find((frame) => frame.event === 'resync');
              const after = Number(effective ?? head);
              const events = reader.events().map((frame) => Number(frame.id));
              const unknown = effective !== undefined && (!EVENT_ID_PATTERN.test(effective) || !Number.isSafeInteger(after) || after > head);
              if (unknown) {
                // Not a decimal id, or one this log never had: resync with the head, and nothing replayed.
                expect({ effective, resync: resync?.id, events }).toEqual({
                  effective,
                  resync: String(head),
                  events: [],
                });
                count('resync');
              } else {
                expect({ effective, resync: resync?.id, events }).toEqual({
                  effective,
                  resync: undefined,
                  events: ids.filter((id) => id > after),
                });
                count('resume');
              }
            }
            // And every stream that opened carries on live.
            await commitCustomerCreated(t, admin.user.workspaceId, 'live after resume');
            const newest = (await logIds()).at(-1)!;
            for (const { reader } of opened) {
              if (reader.frames.length === 0) continue;
              await reader.waitFor(() => reader.events().some((frame) => Number(frame.id) === newest));
            }
          } finally {
            for (const { reader } of opened) reader.close();
          }
        },
      ),
      { numRuns: BATCHES, endOnFailure: true },
    );
  }, 120_000);

  it('GET /api/events?after= answers 200 with exactly the later events, or 400; never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(idText, fc.integer({ min: 1, max: 100 }), async (generated, limit) => {
        const ids = await logIds();
        const head = ids[ids.length - 1];
        const after = resolve(generated, head);
        const response = await t
          .http()
          .get(`/api/events?after=${encodeURIComponent(after)}&limit=${limit}`)
          .set(admin.auth);
        expect(response.status).toBeLessThan(500);
        if (!EVENT_ID_PATTERN.test(after)) {
          expect({ after, status: response.status }).toEqual({ after, status: 400 });
          return;
        }
        if (!Number.isSafeInteger(Number(after))) {
          // Not an id this log can hold: 410, the catch-up API's "refetch over REST" (events.service).
          expect({ after, status: response.status }).toEqual({ after, status: 410 });
          return;
        }
        if (Number(after) > (head ?? 0)) {
          // An id the log never had: 410 like the stream's resync, never a silent empty page.
          expect({ after, status: response.status }).toEqual({ after, status: 410 });
          return;
        }
        expect({ after, status: response.status }).toEqual({ after, status: 200 });
        const items = (response.body as { items: Array<{ id: string }> }).items.map((item) =>
          Number(item.id),
        );
        expect(items).toEqual(ids.filter((id) => id > Number(after)).slice(0, limit));
      }),
      { numRuns: 300 },
    );
  });

  // A future `after` (beyond the head) would let a client holding a bogus cursor poll on and silently skip
  // every event up to that id; it is answered 410 ("refetch over REST"), as the stream answers it with resync.
  it("GET /api/events?after=<a future id> is not a silent gap (400 or 410, like the stream's resync)", async () => {
    const ids = await logIds();
    const response = await t
      .http()
      .get(`/api/events?after=${ids[ids.length - 1] + 1000}`)
      .set(admin.auth);
    expect([400, 410]).toContain(response.status);
  });

  it('POST /api/events/ack with generated ids: 204 or 400, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(idText, async (generated) => {
        const ids = await logIds();
        const value = resolve(generated, ids[ids.length - 1]);
        const response = await t
          .http()
          .post('/api/events/ack')
          .set(admin.auth)
          .send({ clientId: 'fuzz', lastEventId: value });
        expect([204, 400]).toContain(response.status);
        if (response.status === 204) expect(EVENT_ID_PATTERN.test(value)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
