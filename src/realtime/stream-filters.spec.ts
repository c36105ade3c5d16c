import { describe, expect, it } from '@jest/globals';
import { canSeeEvent, type StreamAccess } from '../access/access.service.js';
import { matchesFilters, NO_FILTERS } from './stream-filters.js';
import { connectedFrame, eventFrame, pingFrame, resyncFrame, retryFrame } from './sse-frames.js';

const agent: StreamAccess = { userId: 'u', workspaceId: 'w1', isAdmin: false, channelIds: new Set(['c1']) };
const admin: StreamAccess = { ...agent, isAdmin: true, channelIds: new Set() };

describe('canSeeEvent', () => {
  it('keeps workspaces apart, gives admins every channel and agents their member channels', () => {
    expect(canSeeEvent(agent, { workspaceId: 'w2', channelId: null })).toBe(false);
    expect(canSeeEvent(admin, { workspaceId: 'w2', channelId: 'c1' })).toBe(false);
    expect(canSeeEvent(agent, { workspaceId: 'w1', channelId: null })).toBe(true);
    expect(canSeeEvent(agent, { workspaceId: 'w1', channelId: 'c1' })).toBe(true);
    expect(canSeeEvent(agent, { workspaceId: 'w1', channelId: 'c2' })).toBe(false);
    expect(canSeeEvent(admin, { workspaceId: 'w1', channelId: 'c2' })).toBe(true);
  });
});

describe('matchesFilters', () => {
  const event = { type: 'new_message' as const, conversationId: 'v1', channelId: 'c1' };
  it('combines types, conversationId and channelId with AND', () => {
    expect(matchesFilters(NO_FILTERS, event)).toBe(true);
    expect(matchesFilters({ ...NO_FILTERS, types: new Set(['new_message']) }, event)).toBe(true);
    expect(matchesFilters({ ...NO_FILTERS, types: new Set(['message_sent']) }, event)).toBe(false);
    expect(matchesFilters({ types: new Set(['new_message']), conversationId: 'v1', channelId: 'c1' }, event)).toBe(true);
    expect(matchesFilters({ types: new Set(['new_message']), conversationId: 'v2', channelId: 'c1' }, event)).toBe(false);
    expect(matchesFilters({ ...NO_FILTERS, channelId: 'c2' }, event)).toBe(false);
  });
});

describe('SSE frames', () => {
  it('are exactly the frames of the contract', () => {
    expect(retryFrame(3000)).toBe('retry: 3000\n\n');
    expect(eventFrame('42', 'new_message', '{"a":1}')).toBe('id: 42\nevent: new_message\ndata: {"a":1}\n\n');
    expect(pingFrame(7, 1700000000000)).toBe('id: 7\nevent: ping\ndata: {"ts":1700000000000}\n\n');
    expect(resyncFrame(9, 'retention')).toBe('id: 9\nevent: resync\ndata: {"reason":"retention","lastEventId":"9"}\n\n');
    expect(connectedFrame('c', '5', 15000, 3000)).toBe(
      'retry: 3000\nevent: connected\ndata: {"connectionId":"c","lastEventId":"5","heartbeatMs":15000}\n\n',
    );
  });
});
