/**
 * The commit clock's process (see commit-clock.ts): a LISTEN connection on the event log's channel that stamps
 * every notification as it arrives, with nothing else to do, so its stamps are not held up by the runner's
 * publishing. Driven by its parent over IPC.
 */
import pg from 'pg';
import { EVENT_NOTIFY_CHANNEL } from '../../src/realtime/event-log.writer.js';
import { epochMs } from '../lib/stats.js';
import type { CommitListenerCommand, CommitListenerReport } from './commit-clock.js';

interface LoggedEventRow {
  xid: string;
  payload: string | null;
}

const stamps: number[] = [];
let client: pg.Client | undefined;
let afterId = 0;

function send(report: CommitListenerReport): void {
  process.send!(report);
}

async function start(databaseUrl: string): Promise<void> {
  client = new pg.Client({ connectionString: databaseUrl, application_name: 'crm-inbox-bench-commit-clock' });
  client.on('notification', () => {
    stamps.push(epochMs());
  });
  await client.connect();
  await client.query(`LISTEN ${EVENT_NOTIFY_CHANNEL}`);
  const { rows } = await client.query<{ head: string | null }>('SELECT max(id) AS head FROM events');
  afterId = Number(rows[0]?.head ?? 0);
  send({ report: 'started' });
}

/** The k-th stamp belongs to the k-th transaction (xmin) among the events written since the start. */
async function read(field: string): Promise<void> {
  const { rows } = await client!.query<LoggedEventRow>(
    'SELECT xmin::text AS xid, data->>$2 AS payload FROM events WHERE id > $1 ORDER BY id',
    [afterId, field],
  );
  const seqs: number[] = [];
  const committedAt: number[] = [];
  const publishedAt: number[] = [];
  let transaction = -1;
  let previousXid = '';
  for (const row of rows) {
    if (row.xid !== previousXid) {
      transaction += 1;
      previousXid = row.xid;
    }
    const payload = benchPayload(row.payload);
    if (!payload || transaction >= stamps.length) continue;
    seqs.push(payload.seq);
    committedAt.push(stamps[transaction]);
    publishedAt.push(payload.t);
  }
  const transactions = transaction + 1;
  if (transactions !== stamps.length)
    send({
      report: 'unmatched',
      unmatched: `${stamps.length} notifications for ${transactions} transactions`,
    });
  else send({ report: 'times', seqs, committedAt, publishedAt });
}

function benchPayload(text: string | null): { t: number; seq: number } | undefined {
  if (text === null) return undefined;
  try {
    const parsed = JSON.parse(text) as { t?: unknown; seq?: unknown };
    return typeof parsed.t === 'number' && typeof parsed.seq === 'number'
      ? { t: parsed.t, seq: parsed.seq }
      : undefined;
  } catch {
    return undefined;
  }
}

function fail(error: unknown): void {
  send({ report: 'failed', error: (error as Error).message });
}

process.on('message', (message: CommitListenerCommand) => {
  switch (message.command) {
    case 'start':
      start(message.databaseUrl).catch(fail);
      break;
    case 'read':
      read(message.field).catch(fail);
      break;
    case 'stop':
      void (client?.end() ?? Promise.resolve()).finally(() => process.exit(0));
      break;
  }
});
process.once('disconnect', () => process.exit(0));
