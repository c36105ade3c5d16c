import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { EMPTY, type Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { StreamQueryDto } from './dto/stream-query.dto.js';
import { EVENT_ID_PATTERN } from './dto/stream-query.dto.js';
import { EventCursorsService } from './event-cursors.service.js';
import { EventLogRepository } from './event-log.repository.js';
import { connectedFrame, resyncFrame } from './sse-frames.js';
import { StreamAccessLoader } from './stream-access.loader.js';
import { StreamConnection } from './stream-connection.js';
import { parseFilters } from './stream-filters.parser.js';
import { StreamHub } from './stream-hub.js';
import { StreamRegistry } from './stream-registry.js';
import { takeOverSocket } from './stream-socket.js';
import type { StreamFilters } from './stream-filters.js';
import { PresenceService } from './presence/presence.service.js';
import { RateLimitedError } from '../common/errors/domain-errors.js';

const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
};

type ResumePoint = { kind: 'live' } | { kind: 'resume'; after: number } | { kind: 'resync'; reason: 'retention' | 'unknown_id' };

/** Opens event streams: resolves the resume point, answers errors before any byte, then hands over to the hub. */
@Injectable()
export class StreamsService {
  constructor(
    private readonly hub: StreamHub,
    private readonly registry: StreamRegistry,
    private readonly log: EventLogRepository,
    private readonly cursors: EventCursorsService,
    private readonly accessLoader: StreamAccessLoader,
    private readonly presence: PresenceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Answers errors before any byte, writes the head and first frames, then hands the connection to the hub and
   * resolves at once with an empty Observable: the response is marked ended (see takeOverSocket), so the
   * @Sse() route finishes and nothing of the request's handling stays alive with the stream.
   */
  async open(actor: AuthUser, query: StreamQueryDto, request: Request, response: Response): Promise<Observable<never>> {
    const filters = parseFilters(query);
    this.assertBelowLimit(actor);
    const resume = await this.resumePoint(actor, request, query);
    // Counted on every instance (429 past the limit) until the stream is gone, whichever way it ends.
    await this.presence.streamOpened(actor);
    let started = false;
    try {
      started = await this.start(actor, filters, resume, request, response);
    } finally {
      if (!started) await this.presence.streamClosed(actor);
    }
    return EMPTY;
  }

  /** True once the stream is the hub's (which then reports its end); false when it never started. */
  private async start(actor: AuthUser, filters: StreamFilters, resume: ResumePoint, request: Request, response: Response): Promise<boolean> {
    // A user with streams here shares their live access (kept current by access events): no read needed.
    const loaded = this.registry.sharesAccess(actor) ? undefined : await this.accessLoader.load(actor);
    this.assertBelowLimit(actor);
    if (request.socket.destroyed) return false;

    // From here to register() nothing awaits: the shared access seen above is still there when it registers.
    request.socket.setNoDelay(true);
    response.shouldKeepAlive = false;
    response.writeHead(200, STREAM_HEADERS);
    if (request.method === 'HEAD') {
      response.end();
      return false;
    }
    const resumeFrom = resume.kind === 'resume' ? resume.after : undefined;
    // Registration and the first frames happen in one tick, so the cursor announced is exactly where delivery starts.
    const startId = resumeFrom ?? this.hub.headId;
    const connectionId = randomUUID();
    response.write(connectedFrame(connectionId, String(startId), this.config.sseHeartbeatMs, this.config.sseRetryMs));
    if (resume.kind === 'resync') response.write(resyncFrame(startId, resume.reason));
    const connection = new StreamConnection(connectionId, actor.id, actor.workspaceId, filters, takeOverSocket(request, response), actor.tokenExpiresAt);
    this.hub.register(connection, loaded, resumeFrom, () => void this.presence.streamClosed(actor));
    return true;
  }

  private assertBelowLimit(actor: AuthUser): void {
    if (this.registry.countForUser(actor.id) >= this.config.sseMaxConnectionsPerUser) {
      throw new RateLimitedError(
        `At most ${this.config.sseMaxConnectionsPerUser} open streams per user`,
        Math.ceil(this.config.sseRetryMs / 1000),
      );
    }
  }

  /**
   * Last-Event-ID header, then ?lastEventId=, then the clientId's acknowledged cursor; none → live. An id that
   * is not decimal is unknown (resync, not 400: a browser EventSource gives up for good on an error status).
   */
  private async resumePoint(actor: AuthUser, request: Request, query: StreamQueryDto): Promise<ResumePoint> {
    const header = request.headers['last-event-id'];
    let raw = typeof header === 'string' && header.trim() !== '' ? header.trim() : query.lastEventId;
    if (raw === undefined && query.clientId) {
      const cursor = await this.cursors.cursorOf(actor, query.clientId);
      if (cursor !== undefined) raw = String(cursor);
    }
    if (raw === undefined) return { kind: 'live' };
    if (!EVENT_ID_PATTERN.test(raw)) return { kind: 'resync', reason: 'unknown_id' };
    const after = Number(raw);
    if (!Number.isSafeInteger(after)) return { kind: 'resync', reason: 'unknown_id' };
    if (after < (await this.log.prunedThrough())) return { kind: 'resync', reason: 'retention' };
    // An id this instance has not relayed yet may still exist (another instance is ahead): ask the log.
    if (after > this.hub.headId && after > (await this.log.headId())) return { kind: 'resync', reason: 'unknown_id' };
    return { kind: 'resume', after };
  }
}
