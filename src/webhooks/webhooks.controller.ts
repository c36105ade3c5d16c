import { Controller, Get, Header, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '../auth/decorators.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { WebhookReceivedResponse } from './dto/webhook-received.dto.js';
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
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The hub.challenge, verbatim', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiErrorResponses(403)
  verifyFacebookWebhook(
    @Query('hub.mode') mode?: string,
    @Query('hub.verify_token') token?: string,
    @Query('hub.challenge') challenge?: string,
  ): Promise<string> {
    return this.intake.verifyFacebookSubscription(mode, token, challenge);
  }

  @Post('facebook')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookReceivedResponse, description: 'Accepted (also for unknown pages and redeliveries)' })
  @ApiErrorResponses(400, 401, 413)
  receiveFacebookWebhook(@Req() request: RawBodyRequest<Request>): Promise<WebhookAnswer> {
    return this.intake.receive('facebook', request);
  }

  @Post('zalo')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookReceivedResponse, description: 'Accepted (also for unknown OAs and redeliveries)' })
  @ApiErrorResponses(400, 401, 413)
  receiveZaloWebhook(@Req() request: RawBodyRequest<Request>): Promise<WebhookAnswer> {
    return this.intake.receive('zalo', request);
  }

  @Post('tiktok')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookReceivedResponse, description: 'Accepted (also for unknown business accounts and redeliveries)' })
  @ApiErrorResponses(400, 401, 413)
  receiveTiktokWebhook(@Req() request: RawBodyRequest<Request>): Promise<WebhookAnswer> {
    return this.intake.receive('tiktok', request);
  }
}
