import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { join } from 'node:path';
import { findWebConsoleDir, isConsoleRoute } from './web-console-paths.js';

/** Vite names built assets by content hash, so they may be cached for good; index.html never is. */
const HASHED_ASSET_MAX_AGE = '365d';

/**
 * Serves the built web console (web/dist) at `/` with a single-page-app fallback to index.html.
 * Registered in onModuleInit, i.e. after Nest's routes and before its 404 handler, so `/api/*` is untouched.
 */
@Injectable()
export class WebConsoleService implements OnModuleInit {
  private readonly logger = new Logger(WebConsoleService.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const directory = findWebConsoleDir();
    if (!directory) {
      this.logger.warn(
        'web/dist not found: the web console is not served. Build it with `npm run build:web`.',
      );
      return;
    }
    const app = this.adapterHost.httpAdapter.getInstance<Express>();
    const indexFile = join(directory, 'index.html');
    app.use(
      '/assets',
      express.static(join(directory, 'assets'), {
        immutable: true,
        maxAge: HASHED_ASSET_MAX_AGE,
        fallthrough: true,
      }),
    );
    app.use(express.static(directory, { index: false, maxAge: 0 }));
    app.use((request: Request, response: Response, next: NextFunction) => {
      if (!isConsoleRoute(request.method, request.path)) return next();
      response.setHeader('Cache-Control', 'no-cache');
      response.sendFile(indexFile, (error) => {
        if (error) next(error);
      });
    });
    this.logger.log(`web console served from ${directory}`);
  }
}
