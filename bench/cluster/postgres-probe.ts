import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { descendantPids } from '../lib/process-stats.js';

/** What one reading of the database server holds. */
export interface PostgresReading {
  /** CPU used so far by each server process (postmaster and every backend), µs; empty when not measurable. */
  cpuByPid: Map<number, number>;
  /** Transactions committed or rolled back in the app's database so far (pg_stat_database). */
  transactions: number;
}

/**
 * Reads the CPU and the transaction count of the Postgres server the cluster shares. CPU comes from /proc of
 * the postmaster (found through `data_directory`/postmaster.pid) and its children, so it is measurable only
 * when that server runs on this machine and its data directory is readable; otherwise `cpuMeasurable` is false
 * and only the transaction counts are reported. Per-process CPU is read from /proc/<pid>/schedstat (ns),
 * not /proc/<pid>/stat: a few hundred events cost a few hundred ms spread over dozens of backends, where
 * 10 ms ticks per process would round away most of it.
 */
export class PostgresProbe {
  private constructor(
    private readonly client: pg.Client,
    private readonly postmasterPid: number | undefined,
    readonly where: string,
  ) {}

  static async connect(url: string): Promise<PostgresProbe> {
    const client = new pg.Client({ connectionString: url, application_name: 'crm-inbox-bench-probe' });
    await client.connect();
    try {
      const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
      const pidFile = join(rows[0].data_directory, 'postmaster.pid');
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0 && schedMicros(pid) !== undefined)
        return new PostgresProbe(client, pid, `postmaster ${pid} and its children (${rows[0].data_directory})`);
    } catch {
      // not superuser, or the server is elsewhere: its processes are not visible from here
    }
    return new PostgresProbe(client, undefined, 'not measurable: the server is not local (or its data directory is not readable)');
  }

  get cpuMeasurable(): boolean {
    return this.postmasterPid !== undefined;
  }

  async read(): Promise<PostgresReading> {
    const cpuByPid = new Map<number, number>();
    if (this.postmasterPid !== undefined) {
      for (const pid of [this.postmasterPid, ...descendantPids(this.postmasterPid)]) {
        const micros = schedMicros(pid);
        if (micros !== undefined) cpuByPid.set(pid, micros);
      }
    }
    const { rows } = await this.client.query<{ transactions: string }>(
      'SELECT xact_commit + xact_rollback AS transactions FROM pg_stat_database WHERE datname = current_database()',
    );
    return { cpuByPid, transactions: Number(rows[0]?.transactions ?? 0) };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** CPU time a single-threaded process has run, in µs (first field of /proc/<pid>/schedstat, in ns). */
function schedMicros(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
  } catch {
    return undefined;
  }
}
