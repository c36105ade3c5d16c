import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { descendantPids } from '../../bench/lib/process-stats.js';
import { ensureIsolatedBuild, isolatedBuildDir } from '../support/isolated-build.js';

const DEMO_ENTRY = 'src/demo/demo.js';
/** The demo in a build folder of its own (see ensureIsolatedBuild): other tests rebuild dist/. */
export const DEMO_JS = join(isolatedBuildDir('demo-test'), DEMO_ENTRY);

/** Compiles the demo when it is missing or older than a source file, so the test runs the code it sees. */
export function ensureDemoBuilt(): void {
  ensureIsolatedBuild('demo-test', DEMO_ENTRY);
}

/** A process is running unless /proc no longer lists it or it is a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface DemoExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `node <build>/src/demo/demo.js <args>` with its output collected, as a terminal would show it. */
export class DemoProcess {
  private output = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<DemoExit>;

  private constructor(private readonly child: ChildProcess) {
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      for (const wake of [...this.waiters]) wake();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        for (const wake of [...this.waiters]) wake();
        done({ code, signal });
      }),
    );
  }

  static start(args: string[]): DemoProcess {
    // A clean environment: none of jest's NODE_OPTIONS or a developer's DATABASE_URL.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' };
    return new DemoProcess(
      spawn(process.execPath, [DEMO_JS, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the demo did not start');
    return this.child.pid;
  }

  get text(): string {
    return this.output;
  }

  /** Every process the demo started and that still runs (the app, its Postgres and Postgres' workers). */
  descendants(): number[] {
    return descendantPids(this.pid).filter(isRunning);
  }

  /** Resolves with the first match of `pattern` in the output. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolveMatch, reject) => {
      const check = () => {
        const match = pattern.exec(this.output);
        if (match) {
          finish();
          resolveMatch(match);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          finish();
          reject(new Error(`the demo exited before printing ${pattern}:\n${this.output}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${pattern} in the demo's output after ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Ctrl-C, as a terminal sends it. */
  interrupt(): void {
    this.child.kill('SIGINT');
  }

  /** Last resort for a failed test: the demo and everything it started. */
  kill(): void {
    for (const pid of [...this.descendants(), this.pid]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
