/**
 * Load-client process for the polling side scenario 1: simulated inbox agents that each re-fetch the
 * first page of a REST list every `intervalMs` (the polls of all agents spread evenly over the interval), with one
 * keep-alive connection per agent as a browser tab would have. For every benchmark event (a customer whose `notes`
 * carries `{"t":...,"seq":...}`) it records when each agent first saw it: freshness = that poll's response time −
 * the publish stamp. Driven by its parent over IPC; never run in the server's process; loopback only; bounded by
 * the `stop` command and a hard deadline.
 */
import { Agent, request } from 'node:http';
import { epochMs, sleep } from '../lib/stats.js';
import type { PollClientCommand, PollClientReport, PollStartCommand } from './poll-protocol.js';

const MAX_ERRORS_REPORTED = 5;
const REQUEST_TIMEOUT_MS = 30_000;
/** A benchmark stamp inside the JSON text of a customer list: `notes` is a JSON string, so its quotes are escaped. */
const STAMP = /\\"t\\":([0-9.]+),\\"seq\\":(-?\d+)/g;

let running = false;
let stopRequested = false;
let polls = 0;
let failedPolls = 0;
let bytes = 0;
const errors: string[] = [];
let responseMs = new Float64Array(0);
let responseCount = 0;
let freshness = new Float64Array(0);
let freshnessCount = 0;
/** seen[agent * maxEvents + seq] = 1 once that agent has seen that event. */
let seen = new Uint8Array(0);
let loops: Promise<void>[] = [];

function noteError(message: string): void {
  if (errors.length < MAX_ERRORS_REPORTED) errors.push(message);
}

function get(agent: Agent, config: PollStartCommand): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: config.port,
        path: config.path,
        method: 'GET',
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: config.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error('poll timed out')));
    req.once('error', reject);
    req.end();
  });
}

async function agentLoop(
  index: number,
  config: PollStartCommand,
  startAt: number,
  deadline: number,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // Spread the agents' polls evenly over one interval.
  let due = startAt + (index / config.agents) * config.intervalMs;
  const base = index * config.maxEvents;
  try {
    while (!stopRequested && Date.now() < deadline) {
      const wait = due - epochMs();
      if (wait > 0) await sleep(wait);
      if (stopRequested) break;
      const sentAt = epochMs();
      // Next poll one interval after this one started (or at once when this one took longer: no overlap).
      due = sentAt + config.intervalMs;
      try {
        const response = await get(agent, config);
        const receivedAt = epochMs();
        polls += 1;
        bytes += response.text.length;
        if (responseCount < responseMs.length) responseMs[responseCount++] = receivedAt - sentAt;
        if (response.status !== 200) {
          failedPolls += 1;
          noteError(`poll answered ${response.status}: ${response.text.slice(0, 120)}`);
          continue;
        }
        STAMP.lastIndex = 0;
        for (let match = STAMP.exec(response.text); match; match = STAMP.exec(response.text)) {
          const seq = Number(match[2]);
          if (seq < 0 || seq >= config.maxEvents || seen[base + seq] === 1) continue;
          seen[base + seq] = 1;
          if (freshnessCount < freshness.length) freshness[freshnessCount++] = receivedAt - Number(match[1]);
        }
      } catch (error) {
        failedPolls += 1;
        noteError(`poll error: ${(error as Error).message}`);
      }
    }
  } finally {
    agent.destroy();
  }
}

function start(config: PollStartCommand): void {
  running = true;
  seen = new Uint8Array(config.agents * config.maxEvents);
  freshness = new Float64Array(config.agents * config.maxEvents);
  responseMs = new Float64Array(
    Math.ceil((config.maxSeconds * 1000 * config.agents) / config.intervalMs) + config.agents,
  );
  const startAt = epochMs() + 50;
  const deadline = Date.now() + config.maxSeconds * 1000;
  loops = Array.from({ length: config.agents }, (_, index) => agentLoop(index, config, startAt, deadline));
  process.send!({ report: 'started', agents: config.agents } satisfies PollClientReport);
}

async function stop(maxEvents: number, events: number): Promise<void> {
  stopRequested = true;
  await Promise.all(loops);
  let missed = 0;
  const agents = seen.length / Math.max(1, maxEvents);
  for (let a = 0; a < agents; a += 1) {
    for (let seq = 0; seq < events; seq += 1) if (seen[a * maxEvents + seq] !== 1) missed += 1;
  }
  process.send!({
    report: 'stopped',
    polls,
    failedPolls,
    bytes,
    missed,
    freshnessMs: freshness.slice(0, freshnessCount),
    responseMs: responseMs.slice(0, responseCount),
    errors,
  } satisfies PollClientReport);
}

process.on('message', (message: PollClientCommand) => {
  switch (message.command) {
    case 'start':
      if (!running) start(message);
      break;
    case 'count':
      process.send!({ report: 'count', polls, failedPolls } satisfies PollClientReport);
      break;
    case 'stop':
      void stop(message.maxEvents, message.events);
      break;
  }
});
process.once('disconnect', () => process.exit(0));
