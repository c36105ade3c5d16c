import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DomainEventName } from '../../src/common/domain-events.js';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { createChannel, setChannelMembers } from '../support/inbox-fixtures.js';
import { commitEvents, customerPayload } from '../support/realtime-helpers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { openSse, type SseReader } from '../support/sse-reader.js';

/**
 * Isolation: random workspaces, channels, memberships and events (committed in random groups, some
 * transactions concurrent) → every stream and every page of GET /api/events holds exactly the events its
 * user may see: same workspace; for agents, workspace-wide events and those of member channels; further
 * narrowed by a random `types=` filter. Nothing from elsewhere, nothing missing, in id order.
 */
const RUNS = Number(process.env.ISOLATION_RUNS ?? 6);
const HEARTBEAT_MS = 200;

const CHANNEL_TYPES = ['new_message', 'conversation_updated'] as const;
const ALL_TYPES = ['customer_created', ...CHANNEL_TYPES] as const;
type WireType = (typeof ALL_TYPES)[number];
const INTERNAL_NAME: Record<WireType, DomainEventName> = {
  customer_created: 'customer.created',
  new_message: 'message.received',
  conversation_updated: 'conversation.updated',
};

interface Model {
  workspaces: Array<{ channels: number; agents: boolean[][] /* agent × channel membership */ }>;
  events: Array<{ workspace: number; channel: number | null; type: WireType }>;
  groups: number[];
  filters: Array<WireType[] | null>;
}

const modelArbitrary: fc.Arbitrary<Model> = fc
  .array(
    fc.integer({ min: 1, max: 3 }).chain((channels) =>
      fc.record({
        channels: fc.constant(channels),
        agents: fc.array(fc.array(fc.boolean(), { minLength: channels, maxLength: channels }), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
    ),
    { minLength: 2, maxLength: 3 },
  )
  .chain((workspaces) =>
    fc.record({
      workspaces: fc.constant(workspaces),
      events: fc.array(
        fc.integer({ min: 0, max: workspaces.length - 1 }).chain((workspace) =>
          fc.oneof(
            fc.record({
              workspace: fc.constant(workspace),
              channel: fc.constant(null),
              type: fc.constant<WireType>('customer_created'),
            }),
            fc.record({
              workspace: fc.constant(workspace),
              channel: fc.integer({ min: 0, max: workspaces[workspace].channels - 1 }),
              type: fc.constantFrom<WireType>(...CHANNEL_TYPES),
            }),
          ),
        ),
        { minLength: 5, maxLength: 40 },
      ),
      groups: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 40, maxLength: 40 }),
      filters: fc.array(fc.option(fc.subarray([...ALL_TYPES], { minLength: 1 }), { nil: null, freq: 2 }), {
        minLength: 16,
        maxLength: 16,
      }),
    }),
  );

interface Viewer {
  label: string;
  session: Session;
  workspaceId: string;
  isAdmin: boolean;
  channelIds: Set<string>;
  types: WireType[] | null;
  stream?: SseReader;
}

describe('isolation: random workspaces, memberships and events', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function headId(): Promise<number> {
    const [row] = await t.app
      .get(DataSource)
      .query<Array<{ head: string | null }>>('SELECT max(id) AS head FROM events');
    return Number(row.head ?? 0);
  }

  /** Every page of GET /api/events after `after`, with a random page size. */
  async function pagedEvents(
    viewer: Viewer,
    after: number,
    limit: number,
  ): Promise<Array<{ id: string; type: string }>> {
    const items: Array<{ id: string; type: string }> = [];
    let cursor = String(after);
    for (let page = 0; page < 1000; page++) {
      const types = viewer.types ? `&types=${viewer.types.join(',')}` : '';
      const response = await t
        .http()
        .get(`/api/events?after=${cursor}&limit=${limit}${types}`)
        .set(viewer.session.auth)
        .expect(200);
      const body = response.body as { items: Array<{ id: string; type: string }>; nextCursor: string | null };
      items.push(...body.items);
      if (!body.nextCursor) return items;
      cursor = body.nextCursor;
    }
    throw new Error('too many pages');
  }

  it(`${RUNS} random worlds: each stream and each catch-up page holds exactly what its user may see`, async () => {
    await fc.assert(
      fc.asyncProperty(modelArbitrary, fc.integer({ min: 1, max: 100 }), async (model, pageSize) => {
        // Build the world through the API.
        const viewers: Viewer[] = [];
        const channelIds: string[][] = [];
        let filterIndex = 0;
        const nextFilter = () => model.filters[filterIndex++ % model.filters.length];
        for (const [index, workspace] of model.workspaces.entries()) {
          const admin = await signupWorkspace(t, `Isolation ${index}`);
          const channels: string[] = [];
          for (let channel = 0; channel < workspace.channels; channel++)
            channels.push((await createChannel(t, admin)).id);
          channelIds.push(channels);
          viewers.push({
            label: `w${index} admin`,
            session: admin,
            workspaceId: admin.user.workspaceId,
            isAdmin: true,
            channelIds: new Set(),
            types: nextFilter(),
          });
          const members = channels.map(() => [] as string[]);
          for (const [agentIndex, membership] of workspace.agents.entries()) {
            const agent = await createUser(t, admin, 'agent');
            const mine = new Set<string>();
            membership.forEach((isMember, channel) => {
              if (!isMember) return;
              members[channel].push(agent.user.id);
              mine.add(channels[channel]);
            });
            viewers.push({
              label: `w${index} agent ${agentIndex}`,
              session: agent,
              workspaceId: agent.user.workspaceId,
              isAdmin: false,
              channelIds: mine,
              types: nextFilter(),
            });
          }
          for (const [channel, userIds] of members.entries())
            if (userIds.length) await setChannelMembers(t, admin, channels[channel], userIds);
        }

        const start = await headId();
        for (const viewer of viewers) {
          const types = viewer.types ? `?types=${viewer.types.join(',')}` : '';
          viewer.stream = await openSse(`${t.baseUrl}/api/events/stream${types}`, {
            ...viewer.session.auth,
            'Last-Event-ID': String(start),
          });
        }
        try {
          // Commit the events in random groups (one transaction each), two transactions racing at a time.
          const workspaceIds = viewers.filter((viewer) => viewer.isAdmin).map((viewer) => viewer.workspaceId);
          const transactions: Array<Parameters<typeof commitEvents>[1]> = [];
          let cursor = 0;
          for (let group = 0; cursor < model.events.length; group++) {
            const size = model.groups[group % model.groups.length];
            transactions.push(
              model.events.slice(cursor, cursor + size).map((event) => {
                const workspaceId = workspaceIds[event.workspace];
                const channelId = event.channel === null ? null : channelIds[event.workspace][event.channel];
                const data =
                  event.type === 'customer_created'
                    ? customerPayload('isolation')
                    : ({ id: randomUUID(), channelId, note: event.type } as never);
                return { name: INTERNAL_NAME[event.type], scope: { workspaceId, channelId }, data };
              }),
            );
            cursor += size;
          }
          for (let index = 0; index < transactions.length; index += 2) {
            await Promise.all(transactions.slice(index, index + 2).map((events) => commitEvents(t, events)));
          }
          const head = await headId();

          const rows = (
            await t.app
              .get(DataSource)
              .query<Array<{ id: string; workspace_id: string; channel_id: string | null; type: string }>>(
                "SELECT id, workspace_id, channel_id, type FROM events WHERE id > $1 AND id <= $2 AND type <> 'access_changed' ORDER BY id",
                [start, head],
              )
          ).map((row) => ({
            id: Number(row.id),
            workspaceId: row.workspace_id,
            channelId: row.channel_id,
            type: row.type as WireType,
          }));
          expect(rows).toHaveLength(model.events.length);

          for (const viewer of viewers) {
            const expected = rows
              .filter(
                (row) =>
                  row.workspaceId === viewer.workspaceId &&
                  (viewer.isAdmin || row.channelId === null || viewer.channelIds.has(row.channelId)) &&
                  (!viewer.types || viewer.types.includes(row.type)),
              )
              .map((row) => row.id);
            const stream = viewer.stream!;
            // A heartbeat carries the id the stream has caught up to: after it, nothing more can arrive.
            await stream.waitFor((frames) =>
              frames.some((frame) => frame.event === 'ping' && Number(frame.id) >= head),
            );
            const streamed = stream.events().map((frame) => Number(frame.id));
            const paged = (await pagedEvents(viewer, start, pageSize))
              .map((item) => Number(item.id))
              .filter((id) => id <= head);
            expect({ viewer: viewer.label, streamed }).toEqual({ viewer: viewer.label, streamed: expected });
            expect({ viewer: viewer.label, paged }).toEqual({ viewer: viewer.label, paged: expected });
          }
        } finally {
          for (const viewer of viewers) viewer.stream?.close();
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 180_000);
});
