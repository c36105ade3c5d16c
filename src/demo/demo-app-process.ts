import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The built app beside this file: dist/src/main.js. */
const MAIN_JS = fileURLToPath(new URL('../main.js', import.meta.url));
/** A first run creates the database cluster and applies every migration. */
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const LEFTOVER_STOP_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 250;
const OUTPUT_TAIL_LINES = 40;

/** Variables the demo decides itself: the database lives in DATA_DIR, its secrets are generated there. */
const OVERRIDDEN = ['DATABASE_URL', 'JWT_SECRET', 'CREDENTIALS_KEY', 'MEDIA_DIR'];

/**
 * The app as a child process (`node dist/src/main.js`), in its own process group: a terminal's Ctrl-C reaches
 * the demo only, which then stops the app in order (SIGTERM, waiting for the embedded Postgres to stop too).
 */
export class DemoAppProcess {
  private readonly tail: string[] = [];
  private readonly exited: Promise<AppExit>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    onLine: (line: string) => void,
  ) {
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.tail.push(line);
        if (this.tail.length > OUTPUT_TAIL_LINES) this.tail.shift();
        onLine(readableLogLine(line));
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) =>
        resolve({ code, signal, clean: code === 0 || signal === 'SIGTERM' }),
      ),
    );
  }

  static start(port: number, env: Record<string, string>, onLine: (line: string) => void): DemoAppProcess {
    const inherited = { ...process.env };
    for (const name of OVERRIDDEN) delete inherited[name];
    const child = spawn(process.execPath, [MAIN_JS], {
      env: { ...inherited, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    return new DemoAppProcess(child, `http://127.0.0.1:${port}`, onLine);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves once the app has exited, whoever stopped it. */
  whenExited(): Promise<AppExit> {
    return this.exited;
  }

  /** Resolves once GET /api/health answers 200; throws with the app's last lines if it exits first. */
  async waitReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (Date.now() < deadline) {
      if (gone) throw new Error(`the app exited during start-up:\n${this.tail.join('\n')}`);
      try {
        const response = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(READY_POLL_MS);
    }
    throw new Error(`the app was not ready after ${START_TIMEOUT_MS / 1000} s:\n${this.tail.join('\n')}`);
  }

  /**
   * SIGTERM and wait; past the timeout the whole process group is killed. Whatever the app leaves in its
   * group (its Postgres, when it was stopped in the middle of starting) is stopped too.
   */
  async stop(): Promise<AppExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const killLate = setTimeout(() => this.killGroup(), STOP_TIMEOUT_MS);
    const exit = await this.exited;
    clearTimeout(killLate);
    if (this.signalGroup('SIGTERM')) {
      const deadline = Date.now() + LEFTOVER_STOP_TIMEOUT_MS;
      while (this.signalGroup(0) && Date.now() < deadline) await sleep(READY_POLL_MS);
      this.killGroup();
    }
    return exit;
  }

  /** Asks the app to shut down without waiting for it (when the demo cannot wait). */
  terminate(): void {
    this.child.kill('SIGTERM');
  }

  /** Everything in the app's process group (the app, its Postgres), at once: the last resort. */
  killGroup(): void {
    this.signalGroup('SIGKILL');
  }

  /** False when nothing is left in the app's process group. */
  private signalGroup(signal: NodeJS.Signals | 0): boolean {
    if (this.child.pid === undefined) return false;
    try {
      process.kill(-this.child.pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * True when nothing listens on the port: otherwise the health check could find another server there (an
 * `npm start` on the default port) and the demo would seed that one.
 */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(true)));
  });
}

/**
 * How the app ended. Nest's shutdown hooks re-raise the signal once the app is closed, so a clean stop
 * ends by SIGTERM rather than with code 0.
 */
export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  clean: boolean;
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** The app's structured log lines, shortened for a terminal: `warn <context>: <message>`. */
function readableLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as { level?: number; context?: string; msg?: string };
    return `${LEVELS[entry.level ?? 30] ?? 'log'}${entry.context ? ` ${entry.context}` : ''}: ${entry.msg ?? line}`;
  } catch {
    return line;
  }
}
