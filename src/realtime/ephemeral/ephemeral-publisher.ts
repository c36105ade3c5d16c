import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EPHEMERAL_NOTIFY_CHANNEL, type EphemeralEvent } from './ephemeral-event.js';

/** Sends an ephemeral event to every instance (this one included) through NOTIFY; nothing is written. */
@Injectable()
export class EphemeralPublisher {
  constructor(private readonly dataSource: DataSource) {}

  async publish(event: EphemeralEvent): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [EPHEMERAL_NOTIFY_CHANNEL, JSON.stringify(event)]);
  }
}
