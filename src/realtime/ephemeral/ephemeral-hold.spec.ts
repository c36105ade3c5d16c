import { describe, expect, it } from '@jest/globals';
import type { EphemeralEvent } from './ephemeral-event.js';
import { EphemeralHold } from './ephemeral-hold.js';

const HOLD = 750;

function activity(workspaceId: string, userId: string, conversationId: string, kind: string): EphemeralEvent {
  return {
    type: 'agent_activity',
    workspaceId,
    channelId: 'ch',
    conversationId,
    exceptUserId: userId,
    data: { conversationId, userId, kind },
  };
}

function presence(workspaceId: string, userId: string, status: string): EphemeralEvent {
  return { type: 'presence_changed', workspaceId, channelId: null, conversationId: null, exceptUserId: null, data: { userId, status } };
}

describe('EphemeralHold', () => {
  it('holds a workspace until its deadline, counted from its first waiting event', () => {
    const hold = new EphemeralHold(HOLD);
    expect(hold.nextDueAt).toBeUndefined();
    hold.add(activity('w', 'u', 'c', 'typing'), 1000);
    hold.add(activity('w', 'v', 'c', 'typing'), 1500);
    expect(hold.nextDueAt).toBe(1000 + HOLD);
    expect(hold.takeDue(1000 + HOLD - 1)).toEqual([]);
    const [due] = hold.takeDue(1000 + HOLD);
    expect(due.workspaceId).toBe('w');
    expect(due.events.map((event) => event.exceptUserId)).toEqual(['u', 'v']);
    expect(due.frames).toHaveLength(2);
    expect(hold.size).toBe(0);
    expect(hold.nextDueAt).toBeUndefined();
  });

  it('hands one workspace over to a durable write and keeps the others to their own deadlines', () => {
    const hold = new EphemeralHold(HOLD);
    hold.add(activity('w1', 'u', 'c', 'typing'), 0);
    hold.add(activity('w2', 'u', 'd', 'typing'), 100);
    expect(hold.take('w1')?.events).toHaveLength(1);
    expect(hold.take('w1')).toBeUndefined();
    expect(hold.nextDueAt).toBe(100 + HOLD);
    // A new event after the hand-over starts a new wait.
    hold.add(activity('w1', 'u', 'c', 'viewing'), 200);
    expect(hold.takeDue(100 + HOLD).map((held) => held.workspaceId)).toEqual(['w2']);
    expect(hold.nextDueAt).toBe(200 + HOLD);
  });

  it('replaces a waiting event by a later one of the same user on the same conversation, in its place', () => {
    const hold = new EphemeralHold(HOLD);
    hold.add(activity('w', 'u', 'c', 'typing'), 0);
    hold.add(activity('w', 'v', 'c', 'typing'), 10);
    hold.add(activity('w', 'u', 'c', 'typing'), 20);
    hold.add(activity('w', 'u', 'c', 'idle'), 30);
    hold.add(activity('w', 'u', 'other', 'typing'), 40);
    hold.add(presence('w', 'u', 'away'), 50);
    hold.add(presence('w', 'u', 'online'), 60);
    const held = hold.take('w')!;
    expect(held.events.map((event) => [event.type, event.exceptUserId ?? event.data.userId, event.conversationId, event.data.kind ?? event.data.status])).toEqual([
      ['agent_activity', 'u', 'c', 'idle'],
      ['agent_activity', 'v', 'c', 'typing'],
      ['agent_activity', 'u', 'other', 'typing'],
      ['presence_changed', 'u', null, 'online'],
    ]);
    expect(held.frames[0]).toBe(`event: agent_activity\ndata: ${JSON.stringify({ conversationId: 'c', userId: 'u', kind: 'idle' })}\n\n`);
    expect(held.frames[3]).toContain('"status":"online"');
    expect(held.dueAt).toBe(HOLD);
  });
});
