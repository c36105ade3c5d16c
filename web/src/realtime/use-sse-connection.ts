import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import { tokenStore } from '../auth/token-store';
import { AckBatcher } from './ack-batcher';
import { StreamConnection, type ConnectionStatus, type EventSourceFactory } from './stream-connection';
import type { StreamEvent, StreamEventOf, StreamEventType } from '../api/models';
import type { EphemeralEvent } from './ephemeral-events';
import { isNewerEventId } from './event-ids';
import { StreamRelay, type RelayMessage } from './stream-relay';
import { readLastEventId, streamClientId, writeLastEventId } from './stream-storage';
import { joinLeaderElection } from './tab-leadership';

/** Leader: this tab holds the stream. Follower: another tab does and relays its events here. */
export type StreamRole = 'leader' | 'follower';

export interface UseSSEConnectionOptions {
  /** The signed-in user; null keeps everything closed. */
  userId: string | null;
  /** Refetch what is on screen (after `resync`). */
  onResync: () => Promise<unknown> | void;
  fetchTicket?: () => Promise<string>;
  ack?: (clientId: string, lastEventId: string, keepalive: boolean) => Promise<void>;
  createEventSource?: EventSourceFactory;
  random?: () => number;
}

type AnyHandler = (event: StreamEvent) => void;
type EphemeralHandler = (event: EphemeralEvent) => void;

export interface SSEConnection {
  status: ConnectionStatus;
  role: StreamRole;
  subscribe: <K extends StreamEventType>(type: K, handler: (event: StreamEventOf<K>) => void) => () => void;
  subscribeAll: (handler: AnyHandler) => () => void;
  /** Activity and presence events (no id; every tab gets each once). */
  subscribeEphemeral: (handler: EphemeralHandler) => () => void;
}

const INITIAL_STATUS: ConnectionStatus = {
  state: 'connecting',
  nextRetryAt: null,
  attempt: 0,
  lastEventId: null,
};

const defaultFetchTicket = async (): Promise<string> => (await api.createStreamTicket()).ticket;
const defaultAck = (clientId: string, lastEventId: string, keepalive: boolean): Promise<void> =>
  api.ackEvents(clientId, lastEventId, keepalive);

/**
 * The console's one realtime connection, shared by all tabs of a user: the elected leader tab opens the
 * stream (ticket → EventSource, resume, backoff, acks) and relays every event and status change to the
 * other tabs over a BroadcastChannel; when it closes another tab takes over from its own last applied id.
 * Every tab dispatches each event once, in order, to the subscribers of its type.
 */
export function useSSEConnection(options: UseSSEConnectionOptions): SSEConnection {
  const { userId } = options;
  const optionsRef = useRef(options);
  const subscribers = useRef(new Map<StreamEventType, Set<AnyHandler>>());
  const allSubscribers = useRef(new Set<AnyHandler>());
  const ephemeralSubscribers = useRef(new Set<EphemeralHandler>());
  // Mount it keyed by user (RealtimeProvider is): the state then starts afresh for each user.
  const [status, setStatus] = useState<ConnectionStatus>(() => ({
    ...INITIAL_STATUS,
    lastEventId: userId ? readLastEventId(userId) : null,
  }));
  const [role, setRole] = useState<StreamRole>('follower');

  // The latest callbacks, for the long-lived connection below (declared first: effects run in order).
  useEffect(() => {
    optionsRef.current = options;
  });

  useEffect(() => {
    if (!userId) return undefined;
    const {
      fetchTicket = defaultFetchTicket,
      ack = defaultAck,
      createEventSource,
      random,
    } = optionsRef.current;
    let lastEventId = readLastEventId(userId);
    let connection: StreamConnection | null = null;
    const clientId = streamClientId(userId);

    const dispatch = (event: StreamEvent): void => {
      if (!isNewerEventId(event.id, lastEventId)) return;
      lastEventId = event.id;
      writeLastEventId(userId, event.id);
      const handlers = [...(subscribers.current.get(event.type) ?? []), ...allSubscribers.current];
      for (const handler of handlers) {
        try {
          handler(event);
        } catch (error) {
          console.error(`stream subscriber failed on ${event.type}`, error);
        }
      }
    };

    const dispatchEphemeral = (event: EphemeralEvent): void => {
      for (const handler of [...ephemeralSubscribers.current]) {
        try {
          handler(event);
        } catch (error) {
          console.error(`stream subscriber failed on ${event.type}`, error);
        }
      }
    };

    const relay = new StreamRelay(`crm-inbox.stream.${userId}`, (message: RelayMessage) => {
      switch (message.kind) {
        case 'event':
          if (!connection) dispatch(message.event);
          break;
        case 'ephemeral':
          if (!connection) dispatchEphemeral(message.event);
          break;
        case 'status':
          if (!connection) setStatus(message.status);
          break;
        case 'resync':
          if (!connection) void optionsRef.current.onResync();
          break;
        case 'status-request':
          if (connection) relay.post({ kind: 'status', status: connection.getStatus() });
          break;
      }
    });

    const leave = joinLeaderElection(`crm-inbox.stream-leader.${userId}`, () => {
      const acks = new AckBatcher((id, keepalive) => ack(clientId, id, keepalive));
      const leading = new StreamConnection({
        fetchTicket,
        clientId,
        lastEventId,
        createEventSource,
        random,
        onEvent: (event) => {
          dispatch(event);
          relay.post({ kind: 'event', event });
        },
        onEphemeral: (event) => {
          dispatchEphemeral(event);
          relay.post({ kind: 'ephemeral', event });
        },
        onApplied: (id) => acks.note(id),
        onResync: () => {
          relay.post({ kind: 'resync' });
          return optionsRef.current.onResync();
        },
        onStatus: (next) => {
          setStatus(next);
          relay.post({ kind: 'status', status: next });
        },
      });
      connection = leading;
      setRole('leader');
      leading.start();
      // A renewed access token: a new stream on a ticket of it, before the old token's stream is closed.
      const stopFollowingToken = tokenStore.subscribe((next, previous) => {
        if (next && previous && next.token !== previous.token) leading.reconnect();
      });
      return () => {
        stopFollowingToken();
        leading.stop();
        acks.dispose();
        connection = null;
      };
    });
    relay.post({ kind: 'status-request' });

    // A closing tab unmounts nothing: step down (and flush acks) as it goes, so another tab takes over at once.
    const flushAcksOnClose = (event: PageTransitionEvent): void => {
      if (!event.persisted) leave();
    };
    window.addEventListener('pagehide', flushAcksOnClose);
    return () => {
      window.removeEventListener('pagehide', flushAcksOnClose);
      leave();
      relay.close();
    };
  }, [userId]);

  const subscribe = useCallback(
    <K extends StreamEventType>(type: K, handler: (event: StreamEventOf<K>) => void): (() => void) => {
      const anyHandler = handler as AnyHandler;
      let handlers = subscribers.current.get(type);
      if (!handlers) {
        handlers = new Set();
        subscribers.current.set(type, handlers);
      }
      handlers.add(anyHandler);
      return () => {
        subscribers.current.get(type)?.delete(anyHandler);
      };
    },
    [],
  );

  const subscribeAll = useCallback((handler: AnyHandler): (() => void) => {
    allSubscribers.current.add(handler);
    return () => {
      allSubscribers.current.delete(handler);
    };
  }, []);

  const subscribeEphemeral = useCallback((handler: EphemeralHandler): (() => void) => {
    ephemeralSubscribers.current.add(handler);
    return () => {
      ephemeralSubscribers.current.delete(handler);
    };
  }, []);

  return useMemo(
    () => ({ status, role, subscribe, subscribeAll, subscribeEphemeral }),
    [status, role, subscribe, subscribeAll, subscribeEphemeral],
  );
}
