import type { ConnectionStatus } from './stream-connection';
import type { StreamEvent } from '../api/models';
import type { EphemeralEvent } from './ephemeral-events';

/** What the leader tab tells the others, and what they ask it. */
export type RelayMessage =
  | { kind: 'event'; event: StreamEvent }
  | { kind: 'ephemeral'; event: EphemeralEvent }
  | { kind: 'status'; status: ConnectionStatus }
  | { kind: 'resync' }
  | { kind: 'status-request' };

/** A BroadcastChannel between the tabs of one user (a no-op where BroadcastChannel does not exist). */
export class StreamRelay {
  private readonly channel: BroadcastChannel | null;

  constructor(name: string, onMessage: (message: RelayMessage) => void) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(name);
    if (this.channel) this.channel.onmessage = (event: MessageEvent<RelayMessage>) => onMessage(event.data);
  }

  post(message: RelayMessage): void {
    this.channel?.postMessage(message);
  }

  close(): void {
    if (!this.channel) return;
    this.channel.onmessage = null;
    this.channel.close();
  }
}
