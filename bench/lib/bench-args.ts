import { parseArgs } from 'node:util';

/** The flags a bench command accepts, in node:util parseArgs form (`--name=value` or `--name value`). */
export type FlagSpec = Record<string, { type: 'string' | 'boolean' }>;
export type FlagValues = Record<string, string | boolean | undefined>;

/** Flags every bench command takes: a shorter run, and not rewriting BENCHMARKS.md. */
export const COMMON_FLAGS = { quick: { type: 'boolean' }, 'no-write': { type: 'boolean' } } satisfies FlagSpec;

/** A command line the bench cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Strict parsing: an unknown flag, a value on a boolean flag or a missing value is an error, so a typo never
 * falls back silently to a default (and a long run measuring the wrong thing).
 */
export function readFlags(argv: string[], flags: FlagSpec): FlagValues {
  try {
    return parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function text(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function positive(name: string, raw: string, integer: boolean): number {
  const valid = integer ? /^\d+$/.test(raw) : /^\d+(\.\d+)?$/.test(raw);
  const value = Number(raw);
  if (!valid || value <= 0) throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got "${raw}"`);
  return value;
}

/** A positive whole number (a count), or undefined when the flag is absent. */
export function countFlag(values: FlagValues, name: string): number | undefined {
  const raw = text(values, name);
  return raw === undefined ? undefined : positive(name, raw, true);
}

/** Comma-separated positive whole numbers (`--streams=1000,10000`). */
export function countListFlag(values: FlagValues, name: string): number[] | undefined {
  return text(values, name)
    ?.split(',')
    .map((raw) => positive(name, raw.trim(), true));
}

/** A positive number that may have decimals (a rate per second, a duration in seconds). */
export function amountFlag(values: FlagValues, name: string): number | undefined {
  const raw = text(values, name);
  return raw === undefined ? undefined : positive(name, raw, false);
}

export function textFlag(values: FlagValues, name: string): string | undefined {
  return text(values, name);
}

/** `quick` and `write` from the common flags. */
export function commonOptions(values: FlagValues): { quick: boolean; write: boolean } {
  return { quick: values.quick === true, write: values['no-write'] !== true };
}

/**
 * Parses the command line with `parse` and runs the command; a UsageError prints the message and the usage
 * and exits with code 2 before anything is started.
 */
export async function runBenchCommand<T>(
  usage: string,
  parse: (argv: string[]) => T,
  run: (options: T, commandLine: string) => Promise<boolean>,
): Promise<void> {
  const argv = process.argv.slice(2);
  let options: T;
  try {
    options = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\nusage: ${usage}\n`);
    process.exit(2);
  }
  const commandLine = [usage.split(' [')[0], ...(argv.length ? ['--', ...argv] : [])].join(' ');
  process.exitCode = (await run(options, commandLine)) ? 0 : 1;
}
