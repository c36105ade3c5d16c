import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const DEMO_USAGE =
  'usage: npm run demo [-- --port 3000] [--data-dir ./.demo-data] [--interval 20] [--log-level warn]';

const DEFAULT_PORT = 3000;
const DEFAULT_DATA_DIR = '.demo-data';
const DEFAULT_INTERVAL_SECONDS = 20;
/** Faster than this floods the inbox instead of showing it. */
const MIN_INTERVAL_SECONDS = 0.2;
const MAX_PORT = 65_535;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface DemoOptions {
  port: number;
  /** Absolute. */
  dataDir: string;
  /** Average time between two simulated customer messages. */
  intervalMs: number;
  /** The app's LOG_LEVEL (its lines are shown prefixed with `app`). */
  logLevel: string;
}

export class DemoUsageError extends Error {}

/** Strict: an unknown flag or a bad value is an error, never silently a default. */
export function parseDemoOptions(argv: string[], cwd: string = process.cwd()): DemoOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        interval: { type: 'string' },
        'log-level': { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new DemoUsageError((error as Error).message);
  }
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);

  const portText = text('port') ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > MAX_PORT)
    throw new DemoUsageError(`--port must be 1–${MAX_PORT}, got "${portText}"`);

  const intervalText = text('interval') ?? String(DEFAULT_INTERVAL_SECONDS);
  const interval = Number(intervalText);
  if (!/^\d+(\.\d+)?$/.test(intervalText) || interval < MIN_INTERVAL_SECONDS)
    throw new DemoUsageError(
      `--interval must be a number of seconds, at least ${MIN_INTERVAL_SECONDS}, got "${intervalText}"`,
    );

  const dataDir = text('data-dir') ?? DEFAULT_DATA_DIR;
  if (!dataDir.trim()) throw new DemoUsageError('--data-dir must not be empty');

  const logLevel = text('log-level') ?? 'warn';
  if (!LOG_LEVELS.includes(logLevel))
    throw new DemoUsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);

  return { port, dataDir: resolve(cwd, dataDir), intervalMs: interval * 1000, logLevel };
}
