import { beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '../support/test-database.js';
import { ensureBuilt, formatChaosReport, runChaos } from './support/chaos-harness.js';

/**
 * Chaos: two built `src/main.js` processes on one database, eight resilient SSE clients
 * (admins and agents with partial memberships, two workspaces) spread over both, writers on REST and signed
 * webhooks, while the harness drops client connections, SIGKILLs and restarts an instance and terminates the
 * LISTEN connections. Every client must end with exactly the committed events it may see, once each, in order.
 *
 * Short run inside `npm test`; `npm run test:chaos -- --full` sets CHAOS_EVENTS=50000 (see docs/proof.md).
 */
const EVENTS = Number(process.env.CHAOS_EVENTS ?? 1500);
const FULL = EVENTS >= 10_000;
const WRITE_BUDGET_MS = Number(process.env.CHAOS_MAX_WRITE_MS ?? (FULL ? 30 * 60_000 : 35_000));

describe('chaos: two instances, SIGKILLs, dropped clients, killed LISTEN connections', () => {
  beforeAll(() => {
    ensureBuilt();
  }, 300_000);

  it(
    `every client receives exactly the committed events it may see (${EVENTS} events)`,
    async () => {
      const report = await runChaos({
        databaseUrl: await createTestDatabase(),
        events: EVENTS,
        maxWriteMs: WRITE_BUDGET_MS,
        killEveryMs: FULL ? 20_000 : 8_000,
        listenKillEveryMs: FULL ? 6_000 : 3_000,
        dropEveryMs: FULL ? 300 : 250,
        writers: FULL ? 10 : 6,
        log: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`${formatChaosReport(report)}\n`);

      // An instance that dies on its own is a product crash, not chaos.
      expect(report.crashes).toEqual([]);
      expect(report.eventsCompared).toBeGreaterThan(0);
      expect(report.instanceKills).toBeGreaterThanOrEqual(1);
      expect(report.listenBackendsKilled).toBeGreaterThanOrEqual(1);
      expect(report.clientDrops).toBeGreaterThan(0);
      // Some agent sees only part of the workspace: the comparison is not trivially "everything".
      const partial = report.clients.find((client) => client.role === 'w1 agent tiktok');
      const admin = report.clients.find((client) => client.role === 'w1 admin');
      expect(partial!.expected).toBeLessThan(admin!.expected);
      for (const client of report.clients) {
        expect({
          name: client.name,
          missing: client.missing.slice(0, 20),
          extra: client.extra.slice(0, 20),
          duplicates: client.duplicates,
          violations: client.violations.slice(0, 5),
        }).toEqual({
          name: client.name,
          missing: [],
          extra: [],
          duplicates: 0,
          violations: [],
        });
        expect(client.received).toBe(client.expected);
      }
      expect(report.serverErrors).toBe(0);
    },
    WRITE_BUDGET_MS + 240_000,
  );
});
