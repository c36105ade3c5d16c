import { Injectable, Logger } from '@nestjs/common';
import type { Platform } from '../channels/entities/channel.entity.js';
import type { PlatformChannel } from '../channels/entities/platform-channel.js';
import { PlatformChannelsService } from '../channels/platform-channels.service.js';
import { WebhookChannelCache } from '../channels/webhook-channel-cache.js';
import { FOREIGN_KEY_VIOLATION, postgresErrorCode } from '../database/postgres-errors.js';
import {
  MalformedPayloadError,
  type ChannelDelivery,
  type SignedRequest,
} from '../platforms/platform-adapter.js';
import { PlatformRegistry } from '../platforms/platform-registry.js';
import { safeEqual } from '../common/safe-equal.js';
import { headerValue } from '../platforms/signature.util.js';
import { InboundIngestionService, type ChannelItems } from './inbound-ingestion.service.js';
import { countWebhook, type WebhookOutcome } from './webhook-metrics.js';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../common/errors/domain-errors.js';

export interface WebhookRequest {
  rawBody?: Buffer;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface WebhookAnswer {
  received: true;
}

/** Remembered event kinds already logged as unknown: each is logged once per process. */
const MAX_REMEMBERED_UNKNOWN_KINDS = 1000;
const MAX_LOGGED_KIND_LENGTH = 64;

/**
 * One webhook delivery: parse → find the channels it names → verify the signature over the raw bytes with
 * each channel's secret → ingest. Nothing is written before every named, known channel's signature holds.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);
  private readonly loggedUnknownKinds = new Set<string>();

  constructor(
    private readonly registry: PlatformRegistry,
    private readonly channels: PlatformChannelsService,
    private readonly channelCache: WebhookChannelCache,
    private readonly ingestion: InboundIngestionService,
  ) {}

  async receive(platform: Platform, request: WebhookRequest): Promise<WebhookAnswer> {
    try {
      const outcome = await this.process(platform, request);
      countWebhook(platform, outcome);
      return { received: true };
    } catch (error) {
      countWebhook(platform, outcomeOf(error));
      throw error;
    }
  }

  /** Meta's subscription handshake: the challenge back when the token is some facebook channel's verifyToken. */
  async verifyFacebookSubscription(
    mode: string | undefined,
    token: string | undefined,
    challenge: string | undefined,
  ): Promise<string> {
    if (mode !== 'subscribe' || !token || challenge === undefined)
      throw new ForbiddenError('Verification failed');
    const channels = await this.channels.findAllOfPlatform('facebook');
    const matches = channels.filter((channel) => safeEqual(channel.credentials.verifyToken, token));
    if (matches.length === 0) throw new ForbiddenError('Verification failed');
    return challenge;
  }

  /** `retried`: replayed once, on a fresh read, after the channel disappeared between its lookup and the writes. */
  private async process(
    platform: Platform,
    request: WebhookRequest,
    retried = false,
  ): Promise<WebhookOutcome> {
    const adapter = this.registry.get(platform);
    if (!Buffer.isBuffer(request.rawBody))
      throw new ValidationError('Expected a JSON body (Content-Type: application/json)');
    if (!headerValue(request.headers, adapter.signatureHeader))
      throw new UnauthenticatedError('Missing signature');

    let deliveries: ChannelDelivery[];
    try {
      deliveries = adapter.parse(request.body);
    } catch (error) {
      if (error instanceof MalformedPayloadError)
        throw new ValidationError(`Malformed ${platform} payload: ${error.message}`);
      throw error;
    }
    const keys = [...new Set(deliveries.map((delivery) => delivery.channelKey))];
    const signed: SignedRequest = { rawBody: request.rawBody, headers: request.headers, body: request.body };
    const now = new Date();
    const verifies = (channel: PlatformChannel): boolean => adapter.verify(signed, channel.credentials, now);
    let known = retried
      ? await this.channelCache.readFresh(platform, keys)
      : await this.channelCache.findByExternalIds(platform, keys);
    // A cached secret may have just been replaced on another instance: a failure is settled on a fresh read.
    if (!retried && !known.every(verifies)) known = await this.channelCache.readFresh(platform, keys);
    if (known.length === 0) {
      this.logger.debug(
        `${platform} webhook for no known channel (${keys.length} id(s)): acknowledged, nothing stored`,
      );
      return 'unknown_channel';
    }
    for (const channel of known) {
      if (!verifies(channel)) {
        this.logger.warn(`${platform} webhook with an invalid signature for channel ${channel.id}`);
        throw new UnauthenticatedError('Invalid signature');
      }
    }

    const byKey = new Map<string, PlatformChannel>(known.map((channel) => [channel.externalId, channel]));
    const work: ChannelItems[] = [];
    for (const delivery of deliveries) {
      const channel = byKey.get(delivery.channelKey);
      if (!channel) continue;
      this.logUnknownKinds(platform, delivery);
      const items = delivery.items.filter((item) => item.kind !== 'ignored');
      if (items.length > 0)
        work.push({ channel: { id: channel.id, workspaceId: channel.workspaceId, platform }, items });
    }
    if (work.length === 0) return 'ignored';
    try {
      await this.ingestion.ingest(work);
    } catch (error) {
      // The channel was deleted meanwhile (its rows are gone, so the writes violate a foreign key): look again.
      if (retried || postgresErrorCode(error) !== FOREIGN_KEY_VIOLATION) throw error;
      return this.process(platform, request, true);
    }
    return 'accepted';
  }

  private logUnknownKinds(platform: Platform, delivery: ChannelDelivery): void {
    for (const item of delivery.items) {
      if (item.kind !== 'ignored' || item.reason !== 'unknown') continue;
      const kind = item.eventKind.slice(0, MAX_LOGGED_KIND_LENGTH);
      const key = `${platform}:${kind}`;
      if (this.loggedUnknownKinds.has(key) || this.loggedUnknownKinds.size >= MAX_REMEMBERED_UNKNOWN_KINDS)
        continue;
      this.loggedUnknownKinds.add(key);
      this.logger.warn(
        `unknown ${platform} webhook event kind ${JSON.stringify(kind)}: acknowledged and ignored (logged once)`,
      );
    }
  }
}

function outcomeOf(error: unknown): WebhookOutcome {
  if (error instanceof UnauthenticatedError) return 'unauthorized';
  if (error instanceof ValidationError) return 'malformed';
  return 'error';
}
