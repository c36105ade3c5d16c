/**
 * Heap cost of an idle stream, by constructor: starts the app with `--heapsnapshot-signal=SIGUSR1` (Nest's
 * shutdown hooks take SIGUSR2), snapshots with no stream, opens N idle streams from this process, snapshots
 * again, and prints the objects per stream (count and bytes) that the second snapshot adds.
 *
 * Run: npm run build && node dist/bench/heap-per-stream.js [--streams=1000] [--top=40] [--keep]
 * (`--keep` leaves both snapshots in the working directory, for a retainer view in DevTools.)
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { parseArgs } from 'node:util';
import { AppTarget } from './targets/app-target.js';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and self size by "type:name" (constructor for objects, function name for closures). */
function histogram(file: string): Map<string, { count: number; bytes: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt, width] = [
    fields.indexOf('type'),
    fields.indexOf('name'),
    fields.indexOf('self_size'),
    fields.length,
  ];
  const result = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]];
    const name = type === 'object' || type === 'closure' ? heap.strings[heap.nodes[i + nameAt]] : '';
    const key = `${type}:${name}`;
    const entry = result.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += heap.nodes[i + sizeAt];
    result.set(key, entry);
  }
  return result;
}

async function snapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')));
  process.kill(pid, 'SIGUSR1');
  for (let waited = 0; waited < 120_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const added = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    // Written in one go once complete; a size that stops changing means done.
    if (added.length === 1) {
      const path = `${dir}/${added[0]}`;
      const size = readFileSync(path).length;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (readFileSync(path).length === size && size > 0) return path;
    }
  }
  throw new Error('no heap snapshot written');
}

function openIdle(port: number, headers: Record<string, string>, path: string): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`stream answered ${res.statusCode}`));
      res.resume();
      resolve(req);
    });
    req.once('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { streams: { type: 'string', default: '1000' }, top: { type: 'string', default: '40' }, keep: { type: 'boolean', default: false } },
  });
  const streams = Number(values.streams);
  process.env.BENCH_SERVER_NODE_ARGS = `${process.env.BENCH_SERVER_NODE_ARGS ?? ''} --heapsnapshot-signal=SIGUSR1`;
  const app = new AppTarget();
  const started = await app.start();
  if (!('server' in started)) throw new Error(started.skipped);
  const cwd = process.cwd();
  const open: ClientRequest[] = [];
  try {
    const { path, headers } = app.streamRequest();
    // One stream first, so that code run once per process (first request, lazy modules) is not counted.
    open.push(await openIdle(app.port, headers, path));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const first = await snapshot(started.server.pid, cwd);
    for (let i = 1; i <= streams; i += 1) open.push(await openIdle(app.port, headers, path));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const second = await snapshot(started.server.pid, cwd);
    const [a, b] = [histogram(first), histogram(second)];
    if (values.keep) process.stdout.write(`snapshots kept: ${first} ${second}\n`);
    else {
      rmSync(first);
      rmSync(second);
    }
    const rows = [...b].map(([key, after]) => {
      const was = a.get(key) ?? { count: 0, bytes: 0 };
      return { key, count: (after.count - was.count) / streams, bytes: (after.bytes - was.bytes) / streams };
    });
    rows.sort((x, y) => y.bytes - x.bytes);
    const total = rows.reduce((sum, row) => sum + row.bytes, 0);
    process.stdout.write(
      `heap per idle stream over ${streams} streams: ${(total / 1024).toFixed(1)} KB\n\n| type:constructor | objects / stream | bytes / stream |\n| --- | --- | --- |\n`,
    );
    for (const row of rows.slice(0, Number(values.top))) {
      process.stdout.write(`| ${row.key} | ${row.count.toFixed(2)} | ${row.bytes.toFixed(0)} |\n`);
    }
  } finally {
    for (const req of open) req.destroy();
    await app.stop();
    app.dispose();
  }
}

await main();
