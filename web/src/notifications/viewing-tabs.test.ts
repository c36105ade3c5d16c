import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBroadcastChannel } from '../test/fake-browser';
import { ViewingTabs } from './viewing-tabs';

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
let tabs: ViewingTabs[];

beforeEach(() => {
  vi.stubGlobal('BroadcastChannel', FakeBroadcastChannel);
  tabs = [];
});
afterEach(() => {
  for (const tab of tabs) tab.close();
  vi.unstubAllGlobals();
});

const tab = (userId = 'u-1'): ViewingTabs => {
  const created = new ViewingTabs(userId);
  tabs.push(created);
  return created;
};

describe('ViewingTabs', () => {
  it('knows what the other tabs of the same user show, only while they are visible', async () => {
    const leader = tab();
    const follower = tab();
    const otherUser = tab('u-2');
    follower.show({ conversationId: 'c-1', visible: true });
    otherUser.show({ conversationId: 'c-2', visible: true });
    await flush();
    expect(leader.isLookingAt('c-1')).toBe(true);
    expect(leader.isLookingAt('c-2')).toBe(false);
    follower.show({ conversationId: 'c-1', visible: false });
    await flush();
    expect(leader.isLookingAt('c-1')).toBe(false);
    leader.show({ conversationId: 'c-3', visible: true });
    expect(leader.isLookingAt('c-3')).toBe(true);
  });

  it('a tab opened later learns the others; a closed tab is forgotten', async () => {
    const first = tab();
    first.show({ conversationId: 'c-1', visible: true });
    await flush();
    const late = tab();
    await flush();
    await flush();
    expect(late.isLookingAt('c-1')).toBe(true);
    first.close();
    tabs.splice(tabs.indexOf(first), 1);
    await flush();
    expect(late.isLookingAt('c-1')).toBe(false);
  });
});
