import type { ChildProcess } from 'node:child_process';

export interface AskOptions {
  /** Names the worker in errors ("load client", "poll client", …). */
  label: string;
  timeoutMs: number;
  /** Which message answers the command; the first message by default. */
  accepts?: (message: unknown) => boolean;
}

/** Sends one command to a load-client process and resolves with its answer (or rejects on timeout or exit). */
export function askWorker<T>(
  worker: ChildProcess,
  command: { command: string },
  options: AskOptions,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `${options.label} ${worker.pid} did not answer "${command.command}" within ${options.timeoutMs} ms`,
        ),
      );
    }, options.timeoutMs);
    const onMessage = (message: unknown): void => {
      if (options.accepts && !options.accepts(message)) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`${options.label} ${worker.pid} exited (${code}) during "${command.command}"`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.send(command);
  });
}

/** `total` split into `parts` shares differing by at most one. */
export function splitEvenly(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, index) => Math.floor(total / parts) + (index < total % parts ? 1 : 0),
  );
}

/**
 * Asks a worker process to stop with `command` (SIGTERM once its IPC channel is gone) and resolves when it has
 * exited, or after `waitMs`, when it is killed.
 */
export function stopWorker(
  worker: ChildProcess,
  command: { command: string },
  waitMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    if (worker.exitCode !== null || worker.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      worker.kill('SIGKILL');
      resolve();
    }, waitMs);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (worker.connected) worker.send(command);
    else worker.kill('SIGTERM');
  });
}
