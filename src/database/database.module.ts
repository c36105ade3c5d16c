import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseService } from './database.service.js';
import { TransactionRunner } from './transaction-runner.js';

@Global()
@Module({
  providers: [
    DatabaseService,
    {
      provide: DataSource,
      inject: [DatabaseService],
      useFactory: (database: DatabaseService) => database.connect(),
    },
    TransactionRunner,
  ],
  exports: [DatabaseService, DataSource, TransactionRunner],
})
export class DatabaseModule {}
