import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ); 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
const MICROS_PER_TICK = 1_000_000 / CLOCK_TICKS_PER_SECOND;

interface StatFields {
  ppid: number;
  utimeTicks: number;
  stimeTicks: number;
}

function readStat(pid: number): StatFields | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { ppid: Number(fields[1]), utimeTicks: Number(fields[11]), stimeTicks: Number(fields[12]) };
}

/** CPU time (user + system) the process has used so far, in microseconds (10 ms resolution). */
export function cpuMicros(pid: number): number {
  const stat = readStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone`);
  return (stat.utimeTicks + stat.stimeTicks) * MICROS_PER_TICK;
}

/** User and system CPU time so far, in microseconds. */
export function cpuSplitMicros(pid: number): { user: number; system: number } {
  const stat = readStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone`);
  return { user: stat.utimeTicks * MICROS_PER_TICK, system: stat.stimeTicks * MICROS_PER_TICK };
}

/** Resident set size in KiB (VmRSS). */
export function rssKib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** Every live descendant of `pid` (children, grandchildren, ...), e.g. the embedded Postgres of the app. */
export function descendantPids(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(Number(entry));
    children.set(stat.ppid, siblings);
  }
  const result: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    result.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return result;
}

/** CPU used so far by each live descendant, by pid. */
export function descendantsCpu(pid: number): Map<number, number> {
  const result = new Map<number, number>();
  for (const child of descendantPids(pid)) {
    const stat = readStat(child);
    if (stat) result.set(child, (stat.utimeTicks + stat.stimeTicks) * MICROS_PER_TICK);
  }
  return result;
}

/**
 * CPU the descendants used between two readings: processes alive at both count their difference, processes
 * started in between count in full; processes that exited in between are missed (Postgres keeps its
 * backends, so for the app this is small).
 */
export function descendantsCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [child, cpu] of after) total += cpu - (before.get(child) ?? 0);
  return total;
}

/** The 1-minute load average: how busy the shared machine was. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}
