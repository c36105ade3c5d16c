import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/database/embedded-postgres.js';
import { requestJson } from '../lib/http-json.js';
import { ServerProcess } from '../lib/server-process.js';
import { AppTarget } from '../targets/app-target.js';

const POSTGRES_HOST = fileURLToPath(new URL('./postgres-host.js', import.meta.url));
/** initdb on a fresh directory takes a while on a loaded machine. */
const POSTGRES_READY_MS = 180_000;

/** The one Postgres of a cluster run: an embedded server in a process of its own, or DATABASE_URL as given. */
export class SharedDatabase {
  private constructor(
    readonly url: string,
    readonly embedded: boolean,
    private readonly host?: ServerProcess,
    private readonly dataDir?: string,
  ) {}

  static async open(externalUrl: string | undefined): Promise<SharedDatabase> {
    if (externalUrl) return new SharedDatabase(externalUrl, false);
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-inbox-cluster-'));
    chmodSync(dataDir, 0o755); // when run as root, embedded Postgres runs as the unprivileged postgres user
    const host = ServerProcess.start('embedded Postgres', [POSTGRES_HOST], { DATA_DIR: dataDir }, await freePort());
    try {
      await host.waitReady('/health', POSTGRES_READY_MS);
      const answer = await requestJson(host.port, 'GET', '/health', undefined);
      return new SharedDatabase((answer.body as { url: string }).url, true, host, dataDir);
    } catch (error) {
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.host?.stop();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * N app instances (`node dist/src/main.js`, each its own process) on one database, sharing the secrets a real
 * deployment shares (JWT_SECRET, CREDENTIALS_KEY), so a token or a channel works on every instance. The first
 * instance starts alone (it applies the migrations and seeds the admin), the others then together. Events are
 * published through the instances in turn.
 */
export class ClusterTarget {
  readonly instances: AppTarget[];
  private nextInstance = 0;

  constructor(instances: number, databaseUrl: string) {
    const shared = {
      DATABASE_URL: databaseUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      CREDENTIALS_KEY: randomBytes(32).toString('hex'),
    };
    this.instances = Array.from({ length: instances }, () => new AppTarget(shared));
  }

  /** Starts every instance; the servers in instance order. */
  async start(): Promise<ServerProcess[]> {
    const [first, ...rest] = this.instances;
    const servers = [await startInstance(first)];
    servers.push(...(await Promise.all(rest.map(startInstance))));
    return servers;
  }

  /** One `customer_created` through the next instance in turn (`via: 'first'`: always the first). */
  publish(seq: number, agent: Agent, via: 'all' | 'first' = 'all'): Promise<void> {
    const index = via === 'first' ? 0 : this.nextInstance++ % this.instances.length;
    return this.instances[index].publish(seq, agent);
  }

  async stop(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.stop()));
    for (const instance of this.instances) instance.dispose();
  }
}

async function startInstance(instance: AppTarget): Promise<ServerProcess> {
  const started = await instance.start();
  if ('skipped' in started) throw new Error(`instance not measurable: ${started.skipped}`);
  return started.server;
}
