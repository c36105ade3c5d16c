import { Inject, Injectable } from '@nestjs/common';
import type { TiktokCredentials } from '../../channels/credentials-cipher.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type {
  ChannelDelivery,
  OutboundMediaFile,
  OutboundTarget,
  PlatformAdapter,
  SendResult,
  SignedRequest,
} from '../platform-adapter.js';
import { failedCall, postJson, postMultipart, UPLOAD_TIMEOUT_MS } from '../platform-http.js';
import { headerValue } from '../signature.util.js';
import { parseTiktokPayload } from './tiktok-inbound.parser.js';
import { classifyTiktokError } from './tiktok-send-errors.js';
import { TIKTOK_SIGNATURE_HEADER, verifyTiktokSignature } from './tiktok-signature.util.js';

/** TikTok Business Messaging: TikTok-Signature webhooks, `business/message/send/` with the Access-Token header. */
@Injectable()
export class TiktokAdapter implements PlatformAdapter<'tiktok'> {
  readonly platform = 'tiktok' as const;
  readonly signatureHeader = TIKTOK_SIGNATURE_HEADER;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  parse(body: unknown): ChannelDelivery[] {
    return parseTiktokPayload(body);
  }

  verify(request: SignedRequest, credentials: TiktokCredentials, now: Date): boolean {
    return verifyTiktokSignature(
      request.rawBody,
      headerValue(request.headers, TIKTOK_SIGNATURE_HEADER),
      credentials.appSecret,
      now,
    );
  }

  async send(credentials: TiktokCredentials, target: OutboundTarget): Promise<SendResult> {
    return this.sendMessage(credentials, target, { message_type: 'TEXT', text: { body: target.content } });
  }

  /** Images only: `message/media/upload/` → `media_id`, then an `IMAGE` message. */
  async sendFile(
    credentials: TiktokCredentials,
    target: OutboundTarget,
    file: OutboundMediaFile,
  ): Promise<SendResult> {
    const token = credentials.accessToken;
    const response = await postMultipart({
      url: `${this.config.tiktokApiUrl}/open_api/v1.3/business/message/media/upload/`,
      headers: { 'Access-Token': token },
      fields: [
        { name: 'business_id', value: target.channelExternalId },
        { name: 'media_type', value: 'IMAGE' },
        { name: 'file', file },
      ],
      secrets: [token, credentials.appSecret],
      timeoutMs: UPLOAD_TIMEOUT_MS,
    });
    const body =
      response.kind === 'response'
        ? (response.body as { code?: unknown; data?: { media_id?: unknown } } | null)
        : null;
    const mediaId = body?.data?.media_id;
    if (
      response.kind === 'network' ||
      response.status !== 200 ||
      body?.code !== 0 ||
      typeof mediaId !== 'string' ||
      !mediaId
    )
      return failedCall(
        'TikTok',
        response,
        classifyTiktokError,
        [credentials.accessToken, credentials.appSecret],
        'upload: ',
      );
    return this.sendMessage(credentials, target, { message_type: 'IMAGE', image: { media_id: mediaId } });
  }

  private async sendMessage(
    credentials: TiktokCredentials,
    target: OutboundTarget,
    message: Record<string, unknown>,
  ): Promise<SendResult> {
    const token = credentials.accessToken;
    const response = await postJson({
      url: `${this.config.tiktokApiUrl}/open_api/v1.3/business/message/send/`,
      headers: { 'Access-Token': token },
      body: {
        business_id: target.channelExternalId,
        recipient_type: 'CONVERSATION',
        recipient: target.threadKey,
        ...message,
      },
      secrets: [token, credentials.appSecret],
    });
    const body =
      response.kind === 'response'
        ? (response.body as { code?: unknown; data?: { message?: { message_id?: unknown } } } | null)
        : null;
    const messageId = body?.data?.message?.message_id;
    if (
      response.kind === 'response' &&
      response.status === 200 &&
      body?.code === 0 &&
      typeof messageId === 'string' &&
      messageId
    )
      return { ok: true, platformMessageId: messageId };
    return failedCall('TikTok', response, classifyTiktokError, [
      credentials.accessToken,
      credentials.appSecret,
    ]);
  }
}
