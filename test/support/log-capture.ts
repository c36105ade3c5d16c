import { inspect } from 'node:util';
import { Logger } from 'nestjs-pino';
import type { TestApp } from './test-app.js';

export interface LogCapture {
  /** Every line logged through Nest's Logger since the capture started, fully rendered (errors included). */
  lines(): string[];
  text(): string;
  stop(): void;
}

/**
 * Records what the app logs, whatever LOG_LEVEL says: every `new Logger(...)` of the app writes through the one
 * nestjs-pino Logger installed by app.setup.ts, so wrapping its `call` sees each line before pino filters it.
 */
export function captureLogs(t: TestApp): LogCapture {
  // `call` is the one method every level goes through (not part of Logger's typed surface).
  const logger = t.app.get<Logger, { call: (level: string, ...args: unknown[]) => void }>(Logger);
  const original = logger.call;
  const lines: string[] = [];
  logger.call = function (this: unknown, level: string, ...args: unknown[]) {
    lines.push(`${level} ${args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 6 }))).join(' ')}`);
    return original.call(this, level, ...args);
  };
  return {
    lines: () => [...lines],
    text: () => lines.join('\n'),
    stop: () => {
      logger.call = original;
    },
  };
}
