import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import net from 'node:net';
import { StreamHub } from '../../src/realtime/stream-hub.js';
import { signupWorkspace } from '../support/fixtures.js';
import { commitCustomerCreated, commitEvents, customerPayload, sleep } from '../support/realtime-helpers.js';
import { openSse } from '../support/sse-reader.js';
import { startTestApp } from '../support/test-app.js';

const BIG_NAME = 'x'.repeat(16 * 1024);

describe('stream lifecycle', () => {
  it('cuts a client that stops reading once its unsent bytes pass SSE_MAX_BUFFER_BYTES; others keep receiving', async () => {
    const t = await startTestApp({ env: { SSE_MAX_BUFFER_BYTES: String(1024 * 1024) } });
    try {
      const admin = await signupWorkspace(t);
      const healthy = await openSse(`${t.baseUrl}/api/events/stream`, admin.auth);
      await healthy.waitFor((frames) => frames.length >= 1);
      // A client that sends its request and then never reads.
      const { port } = new URL(t.baseUrl);
      const stalled = net.connect(Number(port), '127.0.0.1');
      stalled.on('error', () => undefined);
      let stalledClosed = false;
      stalled.on('close', () => (stalledClosed = true));
      await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
      stalled.write(`GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${admin.auth.Authorization}\r\n\r\n`);
      stalled.pause();
      const hub = t.app.get(StreamHub);
      for (let attempt = 0; attempt < 100 && hub.countForUser(admin.user.id) < 2; attempt++) await sleep(10);
      expect(hub.countForUser(admin.user.id)).toBe(2);

      const total = 1000; // 1000 × 16 KiB = 16 MiB: far past the socket buffers and the 1 MiB limit
      for (let batch = 0; batch < total / 10; batch++) {
        await commitEvents(
          t,
          Array.from({ length: 10 }, () => ({ name: 'customer.created' as const, scope: { workspaceId: admin.user.workspaceId }, data: customerPayload(BIG_NAME) })),
        );
      }
      await healthy.waitFor(() => healthy.events().length >= total, 20_000);
      expect(healthy.events()).toHaveLength(total);
      for (let attempt = 0; attempt < 100 && hub.countForUser(admin.user.id) > 1; attempt++) await sleep(20);
      expect(hub.countForUser(admin.user.id)).toBe(1);
      stalled.resume();
      for (let attempt = 0; attempt < 100 && !stalledClosed; attempt++) await sleep(20);
      expect(stalledClosed).toBe(true);
      healthy.close();
    } finally {
      await t.close();
    }
  });

  it('closes a stream when its token expires, and the client resumes with a fresh token without loss', async () => {
    const t = await startTestApp({ env: { SSE_RETRY_MS: '700' } });
    try {
      const admin = await signupWorkspace(t);
      const shortLived = new JwtService({ secret: t.config.jwtSecret }).sign(
        { sub: admin.user.id, wid: admin.user.workspaceId, role: 'admin' },
        { expiresIn: 2 },
      );
      const reader = await openSse(`${t.baseUrl}/api/events/stream`, { Authorization: `Bearer ${shortLived}` });
      await reader.waitFor((frames) => frames.length >= 1);
      await commitCustomerCreated(t, admin.user.workspaceId, 'before expiry');
      await reader.waitFor(() => reader.events().length === 1);
      const lastId = reader.events()[0].id!;
      const opened = Date.now();
      await reader.ended;
      expect(Date.now() - opened).toBeLessThan(4000);
      expect(reader.frames[reader.frames.length - 1].retry).toBe(700);
      await commitCustomerCreated(t, admin.user.workspaceId, 'while away');
      const resumed = await openSse(`${t.baseUrl}/api/events/stream`, { ...admin.auth, 'Last-Event-ID': lastId });
      await resumed.waitFor(() => resumed.events().length === 1);
      expect(JSON.parse(resumed.events()[0].data!).name).toBe('while away');
      resumed.close();
    } finally {
      await t.close();
    }
  });

  it('on shutdown sends every stream a randomised retry between 1 and 10 s, ends it and closes promptly', async () => {
    const t = await startTestApp({ env: { SSE_MAX_CONNECTIONS_PER_USER: '100' } });
    const admin = await signupWorkspace(t);
    const readers = await Promise.all(Array.from({ length: 40 }, () => openSse(`${t.baseUrl}/api/events/stream?clientId=x`, admin.auth)));
    await Promise.all(readers.map((reader) => reader.waitFor((frames) => frames.length >= 1)));
    const started = Date.now();
    await t.close();
    await Promise.all(readers.map((reader) => reader.ended));
    expect(Date.now() - started).toBeLessThan(10_000);
    const retries = readers.map((reader) => reader.frames[reader.frames.length - 1].retry!);
    for (const retry of retries) {
      expect(retry).toBeGreaterThanOrEqual(1000);
      expect(retry).toBeLessThanOrEqual(10_000);
    }
    expect(new Set(retries).size).toBeGreaterThan(10);
  });

  it('10,000 connect/disconnect cycles leave maps, handles and heap at baseline', async () => {
    // 25 cycles run at once for one user: above the default of 10 streams per user.
    const t = await startTestApp({ env: { SSE_MAX_CONNECTIONS_PER_USER: '100' } });
    try {
      const admin = await signupWorkspace(t);
      const hub = t.app.get(StreamHub);
      // Handles of this app's port only: other test files in this worker open and close their own meanwhile.
      const port = Number(new URL(t.baseUrl).port);
      const activeHandles = () =>
        (process as unknown as { _getActiveHandles: () => unknown[] })
          ._getActiveHandles()
          .filter((handle) => handle instanceof net.Socket && (handle.localPort === port || handle.remotePort === port)).length;
      const serverConnections = () =>
        new Promise<number>((resolve, reject) => t.app.getHttpServer().getConnections((error, count) => (error ? reject(error) : resolve(count))));
      const cycle = async () => {
        const reader = await openSse(`${t.baseUrl}/api/events/stream`, admin.auth);
        await reader.waitFor((frames) => frames.length >= 1);
        reader.close();
        await reader.ended;
      };
      const run = async (count: number, concurrency: number) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < count) {
              next += 1;
              await cycle();
            }
          }),
        );
      };
      const gc = global.gc;
      if (!gc) throw new Error('run jest with --expose-gc (npm test does): the heap check needs a real collection');
      const settle = async (handleLimit = Number.POSITIVE_INFINITY) => {
        for (let attempt = 0; attempt < 200 && hub.openCount > 0; attempt++) await sleep(10);
        // Closed sockets leave the active-handle list a little after their 'close' event.
        for (let attempt = 0; attempt < 50 && activeHandles() > handleLimit; attempt++) await sleep(20);
        await sleep(200);
        gc();
      };
      await run(500, 20); // warm-up: JIT, pools, lazily created objects
      await settle();
      const baseline = { handles: activeHandles(), connections: await serverConnections(), heap: process.memoryUsage().heapUsed, sizes: hub.sizes() };
      await run(10_000, 25);
      await settle(baseline.handles);
      expect(hub.sizes()).toEqual({ workspaces: 0, users: 0, connections: 0, accessVersions: 0 });
      expect(baseline.sizes).toEqual({ workspaces: 0, users: 0, connections: 0, accessVersions: 0 });
      expect(activeHandles()).toBeLessThanOrEqual(baseline.handles);
      expect(await serverConnections()).toBeLessThanOrEqual(baseline.connections);
      const heapGrowth = process.memoryUsage().heapUsed - baseline.heap;
      // 10,000 leaked streams would hold far more than this (a stream keeps its socket, response and maps).
      expect(heapGrowth).toBeLessThan(20 * 1024 * 1024);
      expect(t.app.getHttpServer().listenerCount('request')).toBe(1);
    } finally {
      await t.close();
    }
  }, 300_000);
});
