import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres.js';
import { openSse, type SseFrame } from '../support/sse-reader.js';
import { DemoProcess, ensureDemoBuilt, isRunning } from './demo-process.js';

/** First start: a new database cluster, every migration, the seeded history. */
const SIGN_IN_TIMEOUT_MS = 60_000;
const FIRST_MESSAGE_TIMEOUT_MS = 20_000;
const RECEIPTS_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 30_000;

const SIGN_IN =
  /^ {4}admin {2}(\S+@\S+) +(\S+)\n {4}agent {2}(\S+@\S+) +(\S+) .*\n {4}agent {2}(\S+@\S+) +(\S+) /m;

interface Account {
  email: string;
  password: string;
}

function accountsOf(match: RegExpMatchArray): Account[] {
  return [0, 1, 2].map((index) => ({ email: match[1 + index * 2], password: match[2 + index * 2] }));
}

async function signIn(baseUrl: string, account: Account): Promise<{ status: number; token?: string }> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(account),
  });
  const body = (await response.json()) as { accessToken?: string };
  return { status: response.status, token: body.accessToken };
}

async function api<T>(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const data = (frame: SseFrame) => JSON.parse(frame.data ?? '{}') as Record<string, unknown>;

async function stopCleanly(demo: DemoProcess): Promise<void> {
  const started = demo.descendants();
  // The app and its Postgres (the server and its workers) run below the demo.
  expect(started.length).toBeGreaterThanOrEqual(2);
  demo.interrupt();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit after SIGINT:\n${demo.text}`)), STOP_TIMEOUT_MS);
  });
  const exit = await Promise.race([demo.exited, late]).finally(() => clearTimeout(timer));
  expect(exit).toEqual({ code: 0, signal: null });
  expect(demo.text).toContain('Demo stopped.');
  expect(started.filter(isRunning)).toEqual([]);
}

describe('npm run demo (the built demo)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-inbox-demo-'));
  let port: number;
  let demo: DemoProcess | undefined;
  let accounts: Account[];

  beforeAll(async () => {
    chmodSync(dataDir, 0o755); // the embedded server runs as the unprivileged postgres user
    ensureDemoBuilt();
    port = await freePort();
  }, 300_000);

  afterAll(() => {
    demo?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds a shop, plays customers through the signed webhooks, carries a reply to read, and stops on Ctrl-C', async () => {
    demo = DemoProcess.start(['--data-dir', dataDir, '--port', String(port), '--interval', '2']);
    accounts = accountsOf(await demo.waitForOutput(SIGN_IN, SIGN_IN_TIMEOUT_MS));
    const baseUrl = `http://127.0.0.1:${port}`;
    expect(demo.text).toContain(`http://localhost:${port}`);
    for (const account of accounts) expect((await signIn(baseUrl, account)).status).toBe(200);
    const { token } = await signIn(baseUrl, accounts[0]);

    // The seeded history: a few dozen conversations on the three channels.
    const conversations = await api<{ items: Array<{ platform: string }> }>(
      baseUrl,
      token!,
      'GET',
      '/api/conversations?limit=100',
    );
    expect(conversations.items.length).toBeGreaterThanOrEqual(27);
    expect(new Set(conversations.items.map((conversation) => conversation.platform))).toEqual(
      new Set(['facebook', 'zalo', 'tiktok']),
    );

    const stream = await openSse(`${baseUrl}/api/events/stream?types=new_message,message_sent`, {
      Authorization: `Bearer ${token}`,
    });
    try {
      expect(stream.status).toBe(200);
      const frames = await stream.waitFor(
        (all) => all.some((frame) => frame.event === 'new_message' && data(frame).sender === 'customer'),
        FIRST_MESSAGE_TIMEOUT_MS,
      );
      const played = data(frames.find((frame) => frame.event === 'new_message')!);
      // The demo prints one line per simulated message (after the webhook's answer).
      await demo.waitForOutput(
        new RegExp(`\\] (Facebook|Zalo|TikTok) .*${escapeRegExp(String(played.content))}`),
        5_000,
      );

      const conversation = await api<{ platform: string }>(
        baseUrl,
        token!,
        'GET',
        `/api/conversations/${String(played.conversationId)}`,
      );
      const reply = await api<{ id: string; status: string }>(
        baseUrl,
        token!,
        'POST',
        `/api/conversations/${String(played.conversationId)}/messages`,
        {
          content: 'Thanks for writing, we are on it!',
        },
      );
      expect(reply.status).toBe('pending');
      const statuses = () =>
        stream.frames
          .filter((frame) => frame.event === 'message_sent' && data(frame).id === reply.id)
          .map((frame) => data(frame).status);
      await stream.waitFor(() => statuses().includes('read'), RECEIPTS_TIMEOUT_MS);
      // TikTok reports reads only; Facebook and Zalo report the delivery first.
      const expected =
        conversation.platform === 'tiktok'
          ? ['pending', 'sent', 'read']
          : ['pending', 'sent', 'delivered', 'read'];
      expect(statuses()).toEqual(expected);
    } finally {
      stream.close();
    }
    await stopCleanly(demo);
  }, 120_000);

  it('starts again on the same data: no seeding twice, the same sign-in details', async () => {
    demo = DemoProcess.start(['--data-dir', dataDir, '--port', String(port), '--interval', '2']);
    const again = accountsOf(await demo.waitForOutput(SIGN_IN, SIGN_IN_TIMEOUT_MS));
    expect(again).toEqual(accounts);
    expect(demo.text).toMatch(/History seeded on .*: reusing it\./);
    expect((await signIn(`http://127.0.0.1:${port}`, again[1])).status).toBe(200);
    await stopCleanly(demo);
  }, 90_000);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
