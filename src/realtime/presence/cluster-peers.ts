import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Subscription } from 'rxjs';
import { EventRelay } from '../event-relay.service.js';

/**
 * Whether another live instance may hold streams. While none does, an ephemeral event need not go through
 * Postgres (NOTIFY, then every LISTEN parses it) to reach this instance's own streams. Not knowing counts as
 * "others exist": from start until a heartbeat has looked, and from any event another instance sent (each
 * instance announces itself when it starts) until a later heartbeat finds none alive.
 */
@Injectable()
export class ClusterPeers implements OnModuleInit, OnModuleDestroy {
  readonly instanceId = randomUUID();
  private othersAlive = true;
  /** Counts sightings of other instances, so a heartbeat's older answer never overrides a newer sighting. */
  private sightings = 0;
  private subscription: Subscription | undefined;

  constructor(private readonly relay: EventRelay) {}

  onModuleInit(): void {
    this.subscription = this.relay.ephemeral$.subscribe((event) => {
      if (event.origin !== undefined && event.origin !== this.instanceId) this.peerSeen();
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** True only when a heartbeat found no other live instance and none has shown itself since. */
  get alone(): boolean {
    return !this.othersAlive;
  }

  /** Taken before a heartbeat's query; hand it back with the answer. */
  get observation(): number {
    return this.sightings;
  }

  /** A heartbeat's count of other live instances, as of `observation`. */
  observed(otherLiveInstances: number, observation: number): void {
    if (observation !== this.sightings) return; // another instance showed itself meanwhile
    this.othersAlive = otherLiveInstances > 0;
  }

  peerSeen(): void {
    this.sightings += 1;
    this.othersAlive = true;
  }
}
