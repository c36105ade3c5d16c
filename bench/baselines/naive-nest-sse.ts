/**
 * Baseline 2: the idiomatic NestJS way, as the docs and `sample/28-sse` show it. `@Sse()` returns a
 * per-connection Observable built from one shared RxJS Subject with its own `filter`/`map` pipeline and its own
 * heartbeat `interval`; Nest's SseStream then runs `JSON.stringify` on every event for every client.
 *
 *   GET  /stream?types=a,b -> `retry:` + `event: connected`, then `event/id/data` per published event
 *   POST /publish          -> JSON body, broadcast as `event: message` with the next id; answers {id}
 *   GET  /health           -> 200
 *
 * Run: PORT=4001 node dist/bench/baselines/naive-nest-sse.js
 */
import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  Post,
  Query,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Subject, filter, interval, map, merge, of, type Observable } from 'rxjs';

const RETRY_MS = 3000;
const HEARTBEAT_MS = Number(process.env.SSE_HEARTBEAT_MS ?? 15_000);

interface BusEvent {
  id: number;
  type: string;
  data: unknown;
}

@Injectable()
class EventBus {
  private readonly subject = new Subject<BusEvent>();
  private lastEventId = 0;
  private nextConnectionId = 0;

  readonly events$ = this.subject.asObservable();

  publish(data: unknown): { id: string } {
    const event: BusEvent = { id: ++this.lastEventId, type: 'message', data };
    this.subject.next(event);
    return { id: String(event.id) };
  }

  get headId(): number {
    return this.lastEventId;
  }

  connectionId(): string {
    return String(++this.nextConnectionId);
  }
}

@Controller()
class EventsController {
  constructor(private readonly bus: EventBus) {}

  @Sse('stream')
  streamEvents(@Query('types') types?: string): Observable<MessageEvent> {
    const wanted = types ? new Set(types.split(',')) : undefined;
    const connected = of<MessageEvent>({
      type: 'connected',
      retry: RETRY_MS,
      data: {
        connectionId: this.bus.connectionId(),
        lastEventId: String(this.bus.headId),
        heartbeatMs: HEARTBEAT_MS,
      },
    });
    const events = this.bus.events$.pipe(
      filter((event) => !wanted || wanted.has(event.type)),
      map((event): MessageEvent => ({ id: String(event.id), type: event.type, data: event.data as object })),
    );
    const heartbeat = interval(HEARTBEAT_MS).pipe(
      map((): MessageEvent => ({ id: String(this.bus.headId), type: 'ping', data: { ts: Date.now() } })),
    );
    return merge(connected, events, heartbeat);
  }

  @Post('publish')
  @HttpCode(200)
  publishEvent(@Body() body: Record<string, unknown>): { id: string } {
    return this.bus.publish(body);
  }

  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [EventsController], providers: [EventBus] })
class NaiveSseModule {}

const app = await NestFactory.create(NaiveSseModule, {
  logger: ['error', 'warn'],
  forceCloseConnections: true,
});
app.enableShutdownHooks();
const port = Number(process.env.PORT ?? 4001);
await app.listen(port, '127.0.0.1');
process.stdout.write(`naive-nest-sse listening on http://127.0.0.1:${port}\n`);
