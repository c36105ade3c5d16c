import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventRelay } from '../event-relay.service.js';
import { ClusterPeers } from '../presence/cluster-peers.js';
import { EPHEMERAL_NOTIFY_CHANNEL, type EphemeralEvent } from './ephemeral-event.js';

/**
 * Sends an ephemeral event to every instance (this one included) through NOTIFY; nothing is written. When no
 * other instance is alive it goes straight to this instance's streams: the same path a NOTIFY would take from
 * the relay, without the round trip through Postgres and the parse.
 */
@Injectable()
export class EphemeralPublisher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: EventRelay,
    private readonly peers: ClusterPeers,
  ) {}

  async publish(event: EphemeralEvent): Promise<void> {
    const sent = { ...event, origin: this.peers.instanceId };
    if (this.peers.alone) return this.relay.ephemeral$.next(sent);
    await this.notify(sent);
  }

  /** Always through Postgres (an instance announcing itself). */
  async notify(event: EphemeralEvent): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [EPHEMERAL_NOTIFY_CHANNEL, JSON.stringify(event)]);
  }
}
