import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

const PRUNE_INTERVAL_MS = 3_600_000;
/** Expired rows are kept a day so a late reuse of a just-expired token is still recognised in logs and queries. */
const KEEP_EXPIRED_MS = 86_400_000;

/** Deletes refresh tokens long past their expiry. */
@Injectable()
export class RefreshTokenPrunerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RefreshTokenPrunerService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly tokens: RefreshTokensRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pruneOnce().catch((error: unknown) => this.logger.warn({ err: error }, 'refresh token prune failed')), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  pruneOnce(now = Date.now()): Promise<number> {
    return this.tokens.pruneExpired(new Date(now - KEEP_EXPIRED_MS));
  }
}
