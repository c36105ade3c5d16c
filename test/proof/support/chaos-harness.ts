import pg from 'pg';
import { startFakePlatforms, type FakePlatforms } from '../../support/fake-platforms.js';
import { FAKE_SECRETS } from '../../support/webhook-signing.js';
import { freePort } from '../../../src/database/embedded-postgres.js';
import { ensureIsolatedBuild } from '../../support/isolated-build.js';
import { AppProcess, PROOF_BUILD } from './app-process.js';
import { ChaosWriter, type Platform, type WriterChannel } from './chaos-writers.js';
import { diffIds, expectedIdsFor, ResilientSseClient } from './resilient-sse-client.js';

export interface ChaosOptions {
  databaseUrl: string;
  /** Events to commit before the writers stop (the full run: ≥ 50,000). */
  events: number;
  /** Hard bound on the writing phase. */
  maxWriteMs: number;
  killEveryMs: number;
  listenKillEveryMs: number;
  dropEveryMs: number;
  writers: number;
  log?: (line: string) => void;
}

export interface ClientReport {
  name: string;
  role: string;
  expected: number;
  received: number;
  missing: number[];
  extra: number[];
  duplicates: number;
  violations: string[];
  connects: number;
  drops: number;
  failedConnects: number;
}

export interface ChaosReport {
  eventsCommitted: number;
  eventsCompared: number;
  headId: number;
  durationMs: number;
  instanceKills: number;
  instanceStarts: number;
  listenKills: number;
  listenBackendsKilled: number;
  clientDrops: number;
  writer: Record<string, number>;
  statuses: Record<string, number>;
  serverErrors: number;
  /** App processes that exited without being killed or stopped. */
  crashes: string[];
  clients: ClientReport[];
}

const HEARTBEAT_MS = 500;
const CATCH_UP_TIMEOUT_MS = 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Builds the server the proof runs, when it is missing or older than the sources. */
export function ensureBuilt(): void {
  ensureIsolatedBuild(PROOF_BUILD);
}

async function api<T>(
  baseUrl: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Actor {
  token: string;
  id: string;
  workspaceId: string;
}

const PASSWORD = 'chaos password 123';

async function signup(baseUrl: string, name: string): Promise<Actor> {
  const email = `chaos-${Math.random().toString(36).slice(2)}@example.com`;
  const body = await api<{ accessToken: string; user: { id: string; workspaceId: string } }>(
    baseUrl,
    'POST',
    '/api/auth/signup',
    undefined,
    {
      workspaceName: name,
      email,
      name: 'Chaos admin',
      password: PASSWORD,
    },
  );
  return { token: body.accessToken, id: body.user.id, workspaceId: body.user.workspaceId };
}

async function addUser(baseUrl: string, admin: Actor, role: 'admin' | 'agent'): Promise<Actor> {
  const email = `chaos-${role}-${Math.random().toString(36).slice(2)}@example.com`;
  await api(baseUrl, 'POST', '/api/users', admin.token, {
    email,
    name: `Chaos ${role}`,
    password: PASSWORD,
    role,
  });
  const login = await api<{ accessToken: string; user: { id: string; workspaceId: string } }>(
    baseUrl,
    'POST',
    '/api/auth/login',
    undefined,
    {
      email,
      password: PASSWORD,
    },
  );
  return { token: login.accessToken, id: login.user.id, workspaceId: login.user.workspaceId };
}

async function addChannel(baseUrl: string, admin: Actor, platform: Platform): Promise<WriterChannel> {
  const externalId = `${Date.now()}${Math.floor(Math.random() * 1e9)}`;
  const body = await api<{ id: string }>(baseUrl, 'POST', '/api/channels', admin.token, {
    platform,
    externalId,
    name: `chaos ${platform}`,
    credentials: FAKE_SECRETS[platform],
  });
  return { id: body.id, platform, externalId };
}

/**
 * The chaos run: two app processes on one database, resilient clients spread over both, writers
 * on REST and signed webhooks, while the harness drops client connections, SIGKILLs and restarts instances
 * and terminates the relays' LISTEN connections. Returns what every client got against what it may see.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const fake: FakePlatforms = await startFakePlatforms();
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 3 });
  const env = {
    ...fake.env(),
    DATABASE_URL: options.databaseUrl,
    SSE_HEARTBEAT_MS: String(HEARTBEAT_MS),
    SSE_RETRY_MS: '100',
  };
  const instances = [new AppProcess('a', await freePort(), env), new AppProcess('b', await freePort(), env)];
  const clients: ResilientSseClient[] = [];
  const roles = new Map<ResilientSseClient, string>();
  let listenKills = 0;
  let listenBackendsKilled = 0;
  let clientDrops = 0;
  try {
    // A first, then B: the first boot applies the migrations.
    await instances[0].start();
    await instances[1].start();
    const base = instances[0].baseUrl;

    // Workspace 1: four channels, admins and agents with partial memberships. Workspace 2: a neighbour.
    const admin1 = await signup(base, 'Chaos one');
    const channels1 = [
      await addChannel(base, admin1, 'facebook'),
      await addChannel(base, admin1, 'facebook'),
      await addChannel(base, admin1, 'zalo'),
      await addChannel(base, admin1, 'tiktok'),
    ];
    const admin2 = await signup(base, 'Chaos two');
    const channels2 = [await addChannel(base, admin2, 'facebook'), await addChannel(base, admin2, 'zalo')];
    const viewers: Array<{ role: string; actor: Actor; isAdmin: boolean; channels: WriterChannel[] }> = [
      { role: 'w1 admin', actor: await addUser(base, admin1, 'admin'), isAdmin: true, channels: [] },
      { role: 'w1 admin', actor: await addUser(base, admin1, 'admin'), isAdmin: true, channels: [] },
      {
        role: 'w1 agent fb1+zalo',
        actor: await addUser(base, admin1, 'agent'),
        isAdmin: false,
        channels: [channels1[0], channels1[2]],
      },
      {
        role: 'w1 agent tiktok',
        actor: await addUser(base, admin1, 'agent'),
        isAdmin: false,
        channels: [channels1[3]],
      },
      {
        role: 'w1 agent fb2',
        actor: await addUser(base, admin1, 'agent'),
        isAdmin: false,
        channels: [channels1[1]],
      },
      { role: 'w1 agent none', actor: await addUser(base, admin1, 'agent'), isAdmin: false, channels: [] },
      { role: 'w2 admin', actor: await addUser(base, admin2, 'admin'), isAdmin: true, channels: [] },
      {
        role: 'w2 agent zalo',
        actor: await addUser(base, admin2, 'agent'),
        isAdmin: false,
        channels: [channels2[1]],
      },
    ];
    const memberships = new Map<string, string[]>();
    for (const viewer of viewers) {
      for (const channel of viewer.channels)
        memberships.set(channel.id, [...(memberships.get(channel.id) ?? []), viewer.actor.id]);
    }
    for (const [channelId, userIds] of memberships) {
      const admin = channels1.some((channel) => channel.id === channelId) ? admin1 : admin2;
      await api(base, 'PUT', `/api/channels/${channelId}/members`, admin.token, { userIds });
    }

    const [{ head: startHead }] = (
      await pool.query<{ head: string | null }>('SELECT max(id) AS head FROM events')
    ).rows;
    const startId = Number(startHead ?? 0);
    const urls = instances.map((instance) => instance.baseUrl);
    viewers.forEach((viewer, index) => {
      const client = new ResilientSseClient(
        {
          name: `${viewer.role} #${index}`,
          baseUrls: urls,
          token: viewer.actor.token,
          visibility: {
            userId: viewer.actor.id,
            workspaceId: viewer.actor.workspaceId,
            isAdmin: viewer.isAdmin,
            channelIds: new Set(viewer.channels.map((channel) => channel.id)),
          },
          lastEventId: String(startId),
        },
        index,
      );
      clients.push(client);
      roles.set(client, viewer.role);
      client.start();
    });

    const pickBaseUrl = () => {
      const up = instances.filter((instance) => instance.ready);
      const from = up.length > 0 ? up : instances;
      return from[Math.floor(Math.random() * from.length)].baseUrl;
    };
    const writers = [
      ...Array.from(
        { length: options.writers },
        () =>
          new ChaosWriter(
            { workspaceId: admin1.workspaceId, adminToken: admin1.token, channels: channels1 },
            pickBaseUrl,
          ),
      ),
      new ChaosWriter(
        { workspaceId: admin2.workspaceId, adminToken: admin2.token, channels: channels2 },
        pickBaseUrl,
      ),
    ];

    let writing = true;
    const writeDeadline = Date.now() + options.maxWriteMs;
    const countEvents = async () =>
      Number(
        (await pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE id > $1', [startId])).rows[0]
          .n,
      );

    const writerLoops = writers.map(async (writer) => {
      while (writing) await writer.step();
    });
    const conversationLoop = (async () => {
      while (writing) {
        const rows = (
          await pool.query<{ id: string; workspace_id: string }>('SELECT id, workspace_id FROM conversations')
        ).rows;
        for (const writer of writers)
          writer.setConversations(
            rows
              .filter(
                (row) =>
                  row.workspace_id ===
                  (writer === writers[writers.length - 1] ? admin2.workspaceId : admin1.workspaceId),
              )
              .map((row) => row.id),
          );
        await sleep(1000);
      }
    })();
    const dropLoop = (async () => {
      while (writing) {
        await sleep(options.dropEveryMs * (0.5 + Math.random()));
        const client = clients[Math.floor(Math.random() * clients.length)];
        if (client.connected) {
          client.drop();
          clientDrops += 1;
        }
      }
    })();
    const listenLoop = (async () => {
      await sleep(options.listenKillEveryMs / 2);
      while (writing) {
        // This run's database only: other test files share the Postgres server.
        const killed = await pool.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'crm-inbox-relay' AND datname = current_database()",
        );
        listenKills += 1;
        listenBackendsKilled += killed.rowCount ?? 0;
        log(`chaos: terminated ${killed.rowCount} LISTEN connection(s)`);
        await sleep(options.listenKillEveryMs * (0.5 + Math.random()));
      }
    })();
    const killLoop = (async () => {
      await sleep(options.killEveryMs / 2);
      while (writing) {
        const victim = instances[Math.floor(Math.random() * instances.length)];
        await victim.kill();
        log(`chaos: SIGKILL ${victim.name} (events so far: ${await countEvents()})`);
        await sleep(300 + Math.random() * 1200);
        await victim.start();
        log(`chaos: ${victim.name} restarted`);
        await sleep(options.killEveryMs * (0.5 + Math.random()));
      }
    })();

    let lastLog = 0;
    for (;;) {
      const committed = await countEvents();
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(
          `chaos: ${committed}/${options.events} events committed, ${Math.round((Date.now() - started) / 1000)} s`,
        );
      }
      if (committed >= options.events || Date.now() > writeDeadline) break;
      await sleep(250);
    }
    writing = false;
    await Promise.all([...writerLoops, conversationLoop, dropLoop, listenLoop, killLoop]);
    for (const instance of instances) if (!instance.running) await instance.start();

    // Quiesce: the log's head, then every client caught up to it (heartbeats carry the caught-up id).
    let head = 0;
    for (let round = 0; round < 5; round++) {
      const [{ head: current }] = (
        await pool.query<{ head: string | null }>('SELECT max(id) AS head FROM events')
      ).rows;
      head = Number(current ?? 0);
      await Promise.all(clients.map((client) => client.waitCaughtUp(head, CATCH_UP_TIMEOUT_MS)));
      await sleep(HEARTBEAT_MS * 3);
      const [{ head: after }] = (
        await pool.query<{ head: string | null }>('SELECT max(id) AS head FROM events')
      ).rows;
      if (Number(after ?? 0) === head) break;
    }
    for (const client of clients) client.stop();

    const rows = (
      await pool.query<{ id: string; workspace_id: string; channel_id: string | null; user_id: string | null; type: string }>(
        'SELECT id, workspace_id, channel_id, user_id, type FROM events WHERE id > $1 ORDER BY id',
        [startId],
      )
    ).rows.map((row) => ({
      id: Number(row.id),
      workspaceId: row.workspace_id,
      channelId: row.channel_id,
      userId: row.user_id,
      type: row.type,
    }));

    const reports: ClientReport[] = clients.map((client) => {
      const expectedAll = expectedIdsFor(client.visibility, rows, startId);
      const expected = expectedAll.filter((id) => id <= head);
      const received = client.received.filter((id) => id <= head);
      // Anything after the compared head (a late delivery-status event) must still be visible and new.
      const lateExtra = client.received.filter((id) => id > head && !expectedAll.includes(id));
      const { missing, extra } = diffIds(expected, received);
      return {
        name: client.name,
        role: roles.get(client) ?? '',
        expected: expected.length,
        received: received.length,
        missing,
        extra: [...extra, ...lateExtra],
        duplicates: client.received.length - new Set(client.received).size,
        violations: client.violations,
        connects: client.connects,
        drops: client.drops,
        failedConnects: client.failedConnects,
      };
    });

    const writer: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    let serverErrors = 0;
    for (const w of writers) {
      for (const [key, value] of Object.entries(w.stats))
        if (typeof value === 'number') writer[key] = (writer[key] ?? 0) + value;
      for (const [key, value] of w.stats.statuses) {
        statuses[key] = (statuses[key] ?? 0) + value;
        if (/ 5\d\d$/.test(key)) serverErrors += value;
      }
    }
    return {
      eventsCommitted: rows.length,
      eventsCompared: rows.filter((row) => row.id <= head).length,
      headId: head,
      durationMs: Date.now() - started,
      instanceKills: instances.reduce((sum, instance) => sum + instance.kills, 0),
      instanceStarts: instances.reduce((sum, instance) => sum + instance.starts, 0),
      listenKills,
      listenBackendsKilled,
      clientDrops,
      writer,
      statuses,
      serverErrors,
      crashes: instances.flatMap((instance) => instance.crashes),
      clients: reports,
    };
  } finally {
    for (const client of clients) client.stop();
    await Promise.all(instances.map((instance) => instance.stop()));
    await pool.end();
    await fake.close();
  }
}

/** A table of the run, for the console and docs/proof.md. */
export function formatChaosReport(report: ChaosReport): string {
  const lines = [
    `chaos: ${report.eventsCommitted} events committed (${report.eventsCompared} compared up to id ${report.headId}) in ${(report.durationMs / 1000).toFixed(1)} s`,
    `chaos: ${report.instanceKills} SIGKILLs (${report.instanceStarts} process starts), ${report.listenKills} LISTEN kills (${report.listenBackendsKilled} backends), ${report.clientDrops} client drops`,
    `chaos: writers ${JSON.stringify(report.writer)}`,
    `chaos: statuses ${JSON.stringify(report.statuses)}`,
    ...report.crashes.map((crash) => `chaos: CRASH ${crash}`),
    'client                          expected  received  missing  extra  dup  order  connects  drops  refused',
  ];
  for (const client of report.clients) {
    lines.push(
      `${client.name.padEnd(30)} ${String(client.expected).padStart(9)} ${String(client.received).padStart(9)} ${String(client.missing.length).padStart(8)} ${String(client.extra.length).padStart(6)} ${String(client.duplicates).padStart(4)} ${String(client.violations.length).padStart(6)} ${String(client.connects).padStart(9)} ${String(client.drops).padStart(6)} ${String(client.failedConnects).padStart(8)}`,
    );
  }
  return lines.join('\n');
}
