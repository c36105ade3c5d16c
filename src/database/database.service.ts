import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source.options.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { runMigrationsLocked } from './run-migrations.js';

/**
 * Owns the connection to Postgres: starts the embedded server when DATABASE_URL is unset, runs pending
 * migrations, and closes everything last on shutdown (after streams and workers, which stop in
 * beforeApplicationShutdown).
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private embedded: EmbeddedDatabase | undefined;
  private source: DataSource | undefined;
  private url: string | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async connect(): Promise<DataSource> {
    if (this.config.databaseUrl) {
      this.url = this.config.databaseUrl;
    } else {
      this.embedded = await startEmbeddedPostgres(this.config.dataDir, (line) => this.logger.warn(line));
      this.url = this.embedded.url;
      this.logger.log(`embedded PostgreSQL running in ${this.config.dataDir}/postgres`);
    }
    this.source = new DataSource(dataSourceOptions(this.url));
    await this.source.initialize();
    const applied = await runMigrationsLocked(this.source);
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    return this.source;
  }

  get dataSource(): DataSource {
    if (!this.source) throw new Error('database not connected');
    return this.source;
  }

  /** The connection string, for components that need a dedicated connection (LISTEN). */
  get connectionUrl(): string {
    if (!this.url) throw new Error('database not connected');
    return this.url;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.source?.isInitialized) await this.source.destroy();
    if (this.embedded) await this.embedded.stop();
  }
}
