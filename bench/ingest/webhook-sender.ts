import { Agent, request } from 'node:http';
import { epochMs } from '../lib/stats.js';
import type { SignedDelivery } from '../../src/dev/webhook-signing.js';

/** A delivery ready to go out: signed, its body bytes and headers (with the length) computed once. */
export interface PreparedDelivery {
  path: string;
  body: Buffer;
  headers: Record<string, string>;
}

export function prepareDelivery(delivery: SignedDelivery): PreparedDelivery {
  const body = Buffer.from(delivery.body);
  return { path: delivery.path, body, headers: { ...delivery.headers, 'content-length': String(body.length) } };
}

export interface SendOutcome {
  sent: number;
  accepted: number;
  rejected: string[];
  /** Send time of each delivery (epoch ms), by sequence number: the start of its webhook → stream latency. */
  sentAt: Float64Array;
  responseMs: Float64Array;
  firstSentAt: number;
  lastResponseAt: number;
}

const MAX_REJECTIONS_KEPT = 5;
const REQUEST_TIMEOUT_MS = 30_000;

interface Answer {
  status: number;
  /** Only read for a rejection: an accepted delivery's body is discarded unread. */
  text: string;
}

/**
 * Closed loop over deliveries signed beforehand: `concurrency` senders on keep-alive connections, each posting
 * the next delivery as soon as its last one answered. Signing is not the server's cost, so none happens here.
 */
export async function sendPrepared(
  port: number,
  deliveries: readonly PreparedDelivery[],
  concurrency: number,
  maxSendSeconds: number,
): Promise<SendOutcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const count = deliveries.length;
  const responseMs = new Float64Array(count);
  const sentAt = new Float64Array(count);
  const rejected: string[] = [];
  const deadline = Date.now() + maxSendSeconds * 1000;
  const firstSentAt = epochMs();
  let lastResponseAt = firstSentAt;
  let next = 0;
  let accepted = 0;
  const sender = async (): Promise<void> => {
    while (next < count && Date.now() < deadline) {
      const seq = next++;
      const delivery = deliveries[seq];
      const before = epochMs();
      sentAt[seq] = before;
      const answer = await post(port, agent, delivery);
      lastResponseAt = epochMs();
      responseMs[seq] = lastResponseAt - before;
      if (answer.status === 200) accepted += 1;
      else if (rejected.length < MAX_REJECTIONS_KEPT) rejected.push(`${answer.status} ${answer.text.slice(0, 200)}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, sender));
  } finally {
    agent.destroy();
  }
  return {
    sent: next,
    accepted,
    rejected,
    sentAt: sentAt.slice(0, next),
    responseMs: responseMs.slice(0, next),
    firstSentAt,
    lastResponseAt,
  };
}

/**
 * One POST. A request that fails with ECONNRESET on a reused keep-alive socket (the server closed that idle
 * socket just as it was reused, so the request never reached the application) is sent once more.
 */
async function post(port: number, agent: Agent, delivery: PreparedDelivery): Promise<Answer> {
  try {
    return await postOnce(port, agent, delivery);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' && (error as ReusedSocketError).reusedSocket)
      return postOnce(port, agent, delivery);
    throw error;
  }
}

interface ReusedSocketError extends Error {
  reusedSocket?: boolean;
}

function postOnce(port: number, agent: Agent, delivery: PreparedDelivery): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: delivery.path,
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: delivery.headers,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status === 200) {
          res.once('end', () => resolve({ status, text: '' }));
          res.resume();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => resolve({ status, text: Buffer.concat(chunks).toString('utf8') }));
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`POST ${delivery.path} timed out`)));
    req.once('error', (error: ReusedSocketError) => {
      error.reusedSocket = req.reusedSocket;
      reject(error);
    });
    req.end(delivery.body);
  });
}
