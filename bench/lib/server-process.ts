import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { spawnNode } from './spawn-node.js';
import { sleep } from './stats.js';

const READY_POLL_MS = 200;
const GRACEFUL_STOP_MS = 15_000;
const OUTPUT_TAIL_CHARS = 4000;

/** A server under test, started in its own process group so nothing it spawns (embedded Postgres) outlives it. */
export class ServerProcess {
  private output = '';
  private exited = false;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    // 'close' (not 'exit'): by then everything the process printed has been collected for error messages.
    child.once('close', () => {
      this.exited = true;
    });
  }

  static start(name: string, args: string[], env: NodeJS.ProcessEnv, port: number): ServerProcess {
    // BENCH_SERVER_NODE_ARGS (e.g. `--prof --logfile=/tmp/app.log`) goes to the servers under test only.
    const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawnNode([...nodeArgs, ...args], {
      env: { ...process.env, ...env, PORT: String(port) },
      detached: true,
    });
    const server = new ServerProcess(name, port, child);
    live.add(server);
    child.once('close', () => live.delete(server));
    stopOnInterrupt();
    return server;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  /** Last lines the server printed (for error messages). */
  get recentOutput(): string {
    return this.output;
  }

  /** Waits until `GET path` answers `expectedStatus`. */
  async waitReady(path: string, timeoutMs: number, expectedStatus = 200): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer';
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.name} exited during start-up:\n${this.output}`);
      try {
        const status = await getStatus(this.port, path);
        if (status === expectedStatus) return;
        lastProblem = `status ${status}`;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      await sleep(READY_POLL_MS);
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms (${lastProblem}):\n${this.output}`);
  }

  /** SIGTERM, then SIGKILL to the whole process group if it does not exit in time. */
  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), GRACEFUL_STOP_MS);
    });
    const inTime = await Promise.race([exited.then(() => true), timedOut]);
    clearTimeout(timer);
    if (!inTime) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
    // Whatever the server left in its group (it should be nothing) goes too.
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // nothing left: the normal case
    }
  }
}

/** Servers started by this runner and not yet stopped. */
const live = new Set<ServerProcess>();
let interruptHandled = false;

/**
 * Servers run in their own process group (so a terminal's Ctrl-C does not reach them mid-measurement): when
 * the runner is interrupted it stops them itself, so no server or embedded Postgres outlives the run.
 */
function stopOnInterrupt(): void {
  if (interruptHandled) return;
  interruptHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stdout.write(`\n[bench] ${signal}: stopping ${live.size} server(s)\n`);
      void Promise.all([...live].map((server) => server.stop())).finally(() => process.exit(130));
    });
  }
}

function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end();
  });
}
