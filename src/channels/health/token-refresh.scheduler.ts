import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TokenRefreshService } from './token-refresh.service.js';

/** How often each instance looks for due refreshes (the row lock keeps instances from doubling up). */
const REFRESH_POLL_INTERVAL_MS = 1000;

/** Background renewal of access tokens before they expire. */
@Injectable()
export class TokenRefreshScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenRefreshScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly refresher: TokenRefreshService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), REFRESH_POLL_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.refresher
      .refreshDueChannels()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, 'token refresh round failed'))
      .finally(() => {
        this.running = undefined;
      });
  }
}
