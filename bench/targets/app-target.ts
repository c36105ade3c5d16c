import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestJson } from '../lib/http-json.js';
import { freePort } from '../../src/database/embedded-postgres.js';
import { ServerProcess } from '../lib/server-process.js';
import { epochMs } from '../lib/stats.js';
import { CommitClock } from '../stream/commit-clock.js';
import type { StreamTarget } from './stream-target.js';

/** Embedded Postgres runs initdb on a fresh DATA_DIR: allow for it. */
const READY_TIMEOUT_MS = 180_000;
const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'bench-admin-Password-2026';
const STREAM_PATH = '/api/events/stream';
/** The embedded server's superuser and the app's database (src/database/embedded-postgres.ts). */
const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'postgres';
const EMBEDDED_DATABASE = 'crm_inbox';
const APP_ENTRY = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/**
 * The real app (`node dist/src/main.js`) on embedded Postgres in a temporary DATA_DIR. Events are produced
 * through the REST API: `POST /api/customers` commits a customer and emits `customer_created` to every stream
 * of the workspace; the publish stamp travels in `notes`.
 */
export class AppTarget implements StreamTarget {
  readonly key = 'app' as const;
  readonly label = 'app (crm-inbox)';
  readonly eventType = 'customer_created';
  readonly payloadShape = 'notes' as const;
  private server: ServerProcess | undefined;
  private token = '';
  private dataDir: string | undefined;
  private readonly env: Record<string, string>;

  /** `overrides`: environment on top of the defaults (the instances of one cluster share DATABASE_URL and secrets). */
  constructor(overrides: Record<string, string> = {}) {
    this.env = {
      JWT_SECRET: randomBytes(32).toString('hex'),
      CREDENTIALS_KEY: randomBytes(32).toString('hex'),
      SEED_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      SSE_MAX_CONNECTIONS_PER_USER: '100000',
      SSE_HEARTBEAT_MS: '15000',
      ...overrides,
    };
  }

  /** `port`: start on this port (a restart on the same address, for clients that reconnect); default a free one. */
  async start(options: { port?: number } = {}): Promise<{ server: ServerProcess } | { skipped: string }> {
    if (!existsSync(APP_ENTRY)) return { skipped: `${APP_ENTRY} missing (run npm run build)` };
    // One DATA_DIR per benchmark run, reused across stream counts so only the first start pays for initdb.
    if (!this.dataDir) {
      this.dataDir = mkdtempSync(join(tmpdir(), 'crm-inbox-bench-'));
      chmodSync(this.dataDir, 0o755); // when run as root, embedded Postgres runs as the unprivileged postgres user
    }
    const port = options.port ?? (await freePort());
    const server = ServerProcess.start(
      this.label,
      [APP_ENTRY],
      { ...this.env, DATA_DIR: this.dataDir },
      port,
    );
    this.server = server;
    await server.waitReady('/api/health', READY_TIMEOUT_MS);

    const login = await requestJson(port, 'POST', '/api/auth/login', {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    const token = (login.body as { accessToken?: string } | undefined)?.accessToken;
    if (login.status !== 200 || !token)
      throw new Error(`login answered ${login.status}: ${login.text.slice(0, 200)}`);
    this.token = token;

    const streamStatus = await probeStatus(port, STREAM_PATH, { authorization: `Bearer ${token}` });
    if (streamStatus === 404)
      return this.skip(`GET ${STREAM_PATH} answers 404: the app's realtime stream is not built yet`);
    if (streamStatus !== 200) throw new Error(`GET ${STREAM_PATH} answered ${streamStatus}`);
    const customers = await requestJson(port, 'GET', '/api/customers?limit=1', undefined, {
      headers: this.authHeader(),
    });
    if (customers.status === 404)
      return this.skip('GET /api/customers answers 404: the customers API is not built yet');
    return { server };
  }

  streamRequest(): { path: string; headers: Record<string, string> } {
    return { path: STREAM_PATH, headers: this.authHeader() };
  }

  async publish(seq: number, agent: Agent): Promise<void> {
    const body = { name: `bench customer ${seq}`, notes: JSON.stringify({ t: epochMs(), seq }) };
    const response = await requestJson(this.server!.port, 'POST', '/api/customers', body, {
      agent,
      headers: this.authHeader(),
    });
    if (response.status !== 201)
      throw new Error(`POST /api/customers answered ${response.status}: ${response.text.slice(0, 200)}`);
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  /** Removes the temporary DATA_DIR (after the last run of this target). */
  dispose(): void {
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    this.dataDir = undefined;
  }

  /** The embedded Postgres' data directory of this run (its postmaster.pid names the port), once started. */
  get databaseDir(): string | undefined {
    return this.dataDir && join(this.dataDir, 'postgres');
  }

  /** The database of this run: DATABASE_URL when given, else the embedded server's (its port: 4th line of postmaster.pid). */
  get databaseUrl(): string {
    if (this.env.DATABASE_URL) return this.env.DATABASE_URL;
    const databaseDir = this.databaseDir;
    if (!databaseDir) throw new Error('app not started');
    const port = Number(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
  }

  startCommitClock(): Promise<CommitClock> {
    return CommitClock.start(this.databaseUrl);
  }

  get port(): number {
    if (!this.server) throw new Error('app not started');
    return this.server.port;
  }

  /** An authenticated JSON request as the seeded admin. */
  request(method: string, path: string, body?: unknown): ReturnType<typeof requestJson> {
    return requestJson(this.port, method, path, body, { headers: this.authHeader() });
  }

  private authHeader(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  private async skip(reason: string): Promise<{ skipped: string }> {
    await this.stop();
    return { skipped: reason };
  }
}

/** Status of a GET whose body is not read (a stream would never end). */
function probeStatus(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false, timeout: 10_000 }, (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.once('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.once('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
    req.end();
  });
}
