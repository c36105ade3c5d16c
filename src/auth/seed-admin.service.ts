import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkspaceEntity } from '../workspaces/entities/workspace.entity.js';
import { hashPassword } from './password-hasher.js';

const SEED_LOCK_KEY = 7_230_001;

/** Creates the first admin (SEED_ADMIN_*) when the installation has no user yet. */
@Injectable()
export class SeedAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SeedAdminService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly transactions: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.anyExists()) return;
    const password = this.config.seedAdminPassword ?? randomBytes(12).toString('base64url');
    const passwordHash = await hashPassword(password);
    const created = await this.transactions.run(async ({ manager }) => {
      // Two instances starting at once on an empty database must not both seed.
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      if (await this.users.anyExists()) return false;
      const workspace = await manager.getRepository(WorkspaceEntity).save({ name: 'Default workspace' });
      await this.users.insert(
        { workspaceId: workspace.id, email: this.config.seedAdminEmail, name: 'Admin', role: 'admin', passwordHash },
        manager,
      );
      return true;
    });
    if (!created) return;
    if (this.config.seedAdminPassword) {
      this.logger.log(`seeded first admin ${this.config.seedAdminEmail} (password from SEED_ADMIN_PASSWORD)`);
    } else {
      // Printed once, to the console only (never to the structured log): nobody could sign in otherwise.
      process.stdout.write(`\n  First admin created: ${this.config.seedAdminEmail} / ${password}\n  (shown once; change it after signing in)\n\n`);
    }
  }
}
