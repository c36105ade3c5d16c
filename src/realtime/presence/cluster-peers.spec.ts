import { describe, expect, it } from '@jest/globals';
import { Subject } from 'rxjs';
import type { EventRelay } from '../event-relay.service.js';
import type { EphemeralEvent } from '../ephemeral/ephemeral-event.js';
import { instanceStarted } from '../ephemeral/ephemeral-event.js';
import { ClusterPeers } from './cluster-peers.js';

function peersOn(ephemeral$: Subject<EphemeralEvent>): ClusterPeers {
  const peers = new ClusterPeers({ ephemeral$ } as unknown as EventRelay);
  peers.onModuleInit();
  return peers;
}

describe('ClusterPeers', () => {
  it('assumes other instances until a heartbeat finds none', () => {
    const peers = peersOn(new Subject());
    expect(peers.alone).toBe(false);
    peers.observed(0, peers.observation);
    expect(peers.alone).toBe(true);
    peers.observed(2, peers.observation);
    expect(peers.alone).toBe(false);
  });

  it('is not alone once another instance sends anything, and an older heartbeat answer does not undo that', () => {
    const ephemeral$ = new Subject<EphemeralEvent>();
    const peers = peersOn(ephemeral$);
    peers.observed(0, peers.observation);
    const before = peers.observation;
    ephemeral$.next(instanceStarted(peers.instanceId));
    expect(peers.alone).toBe(true); // its own announcement
    ephemeral$.next({ ...instanceStarted('another'), origin: undefined });
    expect(peers.alone).toBe(true); // says nothing about its sender
    ephemeral$.next(instanceStarted('another'));
    expect(peers.alone).toBe(false);
    peers.observed(0, before);
    expect(peers.alone).toBe(false);
    peers.observed(0, peers.observation);
    expect(peers.alone).toBe(true);
  });
});
