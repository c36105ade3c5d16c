import { Controller, Get, Header, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '../auth/decorators.js';
import { WebhookIntakeService, type WebhookAnswer } from './webhook-intake.service.js';

/** Platform → us. Public routes, each guarded by its platform's signature over the raw request bytes. */
@ApiTags('webhooks')
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Get('facebook')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiOperation({
    summary: "Meta's subscription handshake: answers hub.challenge for a channel's verifyToken",
  })
  verifyFacebookWebhook(
    @Query('hub.mode') mode?: string,
    @Query('hub.verify_token') token?: string,
    @Query('hub.challenge') challenge?: string,
  ): Promise<string> {
    return this.intake.verifyFacebookSubscription(mode, token, challenge);
  }

  @Post('facebook')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Accepted (also for unknown pages and redeliveries)' })
  receiveFacebookWebhook(@Req() request: RawBodyRequest<Request>): Promise<WebhookAnswer> {
    return this.intake.receive('facebook', request);
  }

  @Post('zalo')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Accepted (also for unknown OAs and redeliveries)' })
  receiveZaloWebhook(@Req() request: RawBodyRequest<Request>): Promise<WebhookAnswer> {
    return this.intake.receive('zalo', request);
  }

  @Post('tiktok')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Accepted (also for unknown business accounts and redeliveries)' })
  receiveTiktokWebhook(@Req() request: RawBodyRequest<Request>): Promise<WebhookAnswer> {
    return this.intake.receive('tiktok', request);
  }
}
