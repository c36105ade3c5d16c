import type { Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { requestJson } from '../lib/http-json.js';
import { freePort } from '../../src/database/embedded-postgres.js';
import { ServerProcess } from '../lib/server-process.js';
import { epochMs } from '../lib/stats.js';
import type { StreamTarget } from './stream-target.js';

const READY_TIMEOUT_MS = 30_000;
const HEARTBEAT_MS = '15000';

/**
 * Roughly the size and shape of a customer event from the app (~300 bytes of JSON), so the baselines push
 * comparable frames.
 */
function customerLikePayload(seq: number): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    t: epochMs(),
    seq,
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    name: `bench customer ${seq}`,
    phone: null,
    email: null,
    avatarUrl: null,
    identities: [],
    createdAt: now,
    updatedAt: now,
  };
}

class BaselineTarget implements StreamTarget {
  readonly eventType = 'message';
  readonly payloadShape = 'data' as const;
  private server: ServerProcess | undefined;

  constructor(
    readonly key: 'raw' | 'naive' | 'better-sse',
    readonly label: string,
    private readonly script: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  async start(): Promise<{ server: ServerProcess }> {
    const port = await freePort();
    const server = ServerProcess.start(
      this.label,
      [this.script],
      { SSE_HEARTBEAT_MS: HEARTBEAT_MS, ...this.extraEnv },
      port,
    );
    this.server = server;
    await server.waitReady('/health', READY_TIMEOUT_MS);
    return { server };
  }

  streamRequest(): { path: string; headers: Record<string, string> } {
    return { path: '/stream', headers: {} };
  }

  async publish(seq: number, agent: Agent): Promise<number | void> {
    const response = await requestJson(this.server!.port, 'POST', '/publish', customerLikePayload(seq), {
      agent,
    });
    if (response.status !== 200)
      throw new Error(`publish answered ${response.status}: ${response.text.slice(0, 200)}`);
    const { broadcastAt } = (response.body ?? {}) as { broadcastAt?: unknown };
    return typeof broadcastAt === 'number' ? broadcastAt : undefined;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}

const script = (name: string): string => fileURLToPath(new URL(`../baselines/${name}.js`, import.meta.url));

export function rawBroadcasterTarget(): StreamTarget {
  return new BaselineTarget('raw', 'raw node:http', script('raw-broadcaster'));
}

/** The raw broadcaster told to drop one event and send another twice (for `bench/self-check.ts`). */
export function faultyRawBroadcasterTarget(): StreamTarget {
  return new BaselineTarget('raw', 'raw node:http with injected faults', script('raw-broadcaster'), {
    BENCH_INJECT_FAULTS: '1',
  });
}

export function naiveNestTarget(): StreamTarget {
  return new BaselineTarget('naive', 'naive Nest @Sse', script('naive-nest-sse'));
}

export function betterSseTarget(): StreamTarget {
  return new BaselineTarget('better-sse', 'better-sse Channel', script('better-sse-broadcaster'));
}
