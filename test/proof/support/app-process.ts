import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedBuildDir } from '../../support/isolated-build.js';
import { TEST_CREDENTIALS_KEY, TEST_JWT_SECRET } from '../../support/test-app.js';

/** The proof tests' own build of the server (ensureBuilt): a real process, so the chaos harness can SIGKILL it. */
export const PROOF_BUILD = 'proof';
export const MAIN_JS = join(isolatedBuildDir(PROOF_BUILD), 'src/main.js');

const BOOT_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * One app instance as a child process (the built `src/main.js`, see MAIN_JS) on a fixed loopback port, so clients find it
 * again after a restart. Every instance of a run shares JWT_SECRET and CREDENTIALS_KEY, as docs/api.md requires.
 */
export class AppProcess {
  readonly baseUrl: string;
  starts = 0;
  kills = 0;
  private child: ChildProcess | undefined;
  private healthy = false;
  private expectingExit = false;
  /** Exits nobody asked for (a crash): code or signal, with the tail of stderr. */
  readonly crashes: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  private readonly stderrTail: string[] = [];

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Up and healthy: started, answered 200 on /api/health, not being killed. */
  get ready(): boolean {
    return this.healthy && this.child !== undefined;
  }

  /** Spawns the process and resolves once GET /api/health answers 200. */
  async start(): Promise<void> {
    if (this.child) return;
    if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: call ensureBuilt() first`);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      PORT: String(this.port),
      DATA_DIR: mkdtempSync(join(tmpdir(), `crm-proof-${this.name}-`)),
      JWT_SECRET: TEST_JWT_SECRET,
      CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
      SEED_ADMIN_PASSWORD: `seed-${randomBytes(8).toString('hex')}`,
      LOG_LEVEL: 'warn',
      ...this.env,
    };
    const child = spawn(process.execPath, [MAIN_JS], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.starts += 1;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail.push(chunk.toString('utf8'));
      if (this.stderrTail.length > 50) this.stderrTail.shift();
    });
    this.expectingExit = false;
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        if (!this.expectingExit)
          this.crashes.push(
            `${this.name} exited by itself (code ${code}, signal ${signal}): ${this.stderr()}`,
          );
        done();
      }),
    );
    void this.exited.then(() => {
      if (this.child !== child) return;
      this.child = undefined;
      this.healthy = false;
    });
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.child !== child) throw new Error(`${this.name} exited during boot: ${this.stderr()}`);
      try {
        const response = await fetch(`${this.baseUrl}/api/health`, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 200) {
          this.healthy = true;
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`${this.name} did not become healthy in ${BOOT_TIMEOUT_MS} ms: ${this.stderr()}`);
  }

  /** SIGKILL: no shutdown hooks, sockets cut by the kernel, in-flight transactions rolled back by Postgres. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.healthy = false;
    this.expectingExit = true;
    this.kills += 1;
    child.kill('SIGKILL');
    await this.waitExit();
  }

  /** SIGTERM: the graceful shutdown path. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.healthy = false;
    this.expectingExit = true;
    child.kill('SIGTERM');
    await this.waitExit();
  }

  stderr(): string {
    return this.stderrTail.join('').slice(-4000);
  }

  private async waitExit(): Promise<void> {
    const child = this.child;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (done) => (timer = setTimeout(() => done('timeout'), EXIT_TIMEOUT_MS)),
    );
    const outcome = await Promise.race([this.exited.then(() => 'exited' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      child?.kill('SIGKILL');
      await this.exited;
    }
    this.child = undefined;
  }
}
