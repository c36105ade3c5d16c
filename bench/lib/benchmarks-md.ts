import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import { availableParallelism } from 'node:os';

const FILE_HEADER = `# Benchmarks

Measured figures only: every table below is written by the command named in its section, on the machine it
names. Re-run the command to refresh a section; the other sections are left as they are.
`;

/** Writes `content` between this section's markers in BENCHMARKS.md, replacing the previous run's section. */
export function replaceSection(file: string, key: string, content: string): void {
  const start = `<!-- bench:${key}:start -->`;
  const end = `<!-- bench:${key}:end -->`;
  const block = `${start}\n${content.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : FILE_HEADER;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from !== -1 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

/** One line describing where the figures come from. */
export function machineDescription(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) model = match[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  const memoryGib = (totalmem() / 1024 ** 3).toFixed(0);
  return `${availableParallelism()} CPUs (\`nproc\`), ${model}, ${memoryGib} GiB RAM, Linux ${release()} ${arch()}, Node ${process.version}`;
}

/** Markdown table from a header row and data rows. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
