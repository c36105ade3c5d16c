import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventLogRepository } from './event-log.repository.js';

const PRUNE_INTERVAL_MS = 60_000;
const PRUNE_BATCH = 1000;
const HOUR_MS = 3_600_000;

/** Deletes events older than EVENT_RETENTION_HOURS, in small batches so no long lock is ever held. */
@Injectable()
export class EventRetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventRetentionService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly log: EventLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pruneOnce().catch((error: unknown) => this.logger.warn({ err: error }, 'prune failed')), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Removes every expired event; returns how many. */
  pruneOnce(now = Date.now()): Promise<number> {
    this.running ??= (async () => {
      const cutoff = new Date(now - this.config.eventRetentionHours * HOUR_MS);
      let total = 0;
      for (;;) {
        const removed = await this.log.pruneBatch(cutoff, PRUNE_BATCH);
        total += removed;
        if (removed < PRUNE_BATCH) return total;
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }
}
