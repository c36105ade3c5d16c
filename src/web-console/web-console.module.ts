import { Module } from '@nestjs/common';
import { WebConsoleService } from './web-console.service.js';

/** The agents' web console (web/), served at `/` next to the API. */
@Module({ providers: [WebConsoleService] })
export class WebConsoleModule {}
