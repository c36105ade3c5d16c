import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_DIR, SERVER_ENTRY } from './paths';

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The real server, `node dist/src/main.js`, on its embedded Postgres in a temporary DATA_DIR. It can be
 * stopped and started again on the same port and data (a restart).
 */
export class ServerProcess {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'crm-inbox-e2e-'));
  readonly adminEmail = 'admin@example.com';
  readonly adminPassword = `admin-${randomBytes(6).toString('hex')}`;
  private child: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    chmodSync(this.dataDir, 0o755); // the embedded server runs as the unprivileged postgres user
  }

  static async create(env: Record<string, string>): Promise<ServerProcess> {
    return new ServerProcess(await freePort(), env);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: REPO_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        PORT: String(this.port),
        DATA_DIR: this.dataDir,
        JWT_SECRET: 'e2e-jwt-secret-that-is-long-enough-0123456789',
        CREDENTIALS_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
        SEED_ADMIN_EMAIL: this.adminEmail,
        SEED_ADMIN_PASSWORD: this.adminPassword,
        LOG_LEVEL: process.env.E2E_SERVER_LOG_LEVEL ?? 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
      if (process.env.E2E_SERVER_OUTPUT === '1') process.stderr.write(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}/api/health`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`server did not become healthy in ${START_TIMEOUT_MS} ms:\n${this.output}`);
  }

  /** A clean shutdown (SIGTERM), as a deploy or a crash-restart supervisor would do. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  recentOutput(): string {
    return this.output;
  }
}
