import { Inject, Injectable } from '@nestjs/common';
import type { TiktokCredentials } from '../../channels/credentials-cipher.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type {
  ChannelDelivery,
  OutboundTarget,
  PlatformAdapter,
  SendResult,
  SignedRequest,
} from '../platform-adapter.js';
import { describeFailure, postJson } from '../platform-http.js';
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
    const token = credentials.accessToken;
    const response = await postJson({
      url: `${this.config.tiktokApiUrl}/open_api/v1.3/business/message/send/`,
      headers: { 'Access-Token': token },
      body: {
        business_id: target.channelExternalId,
        recipient_type: 'CONVERSATION',
        recipient: target.threadKey,
        message_type: 'TEXT',
        text: { body: target.content },
      },
      secrets: [token, credentials.appSecret],
    });
    if (response.kind === 'network')
      return { ok: false, retryable: true, error: describeFailure('TikTok', response.error, [token]) };
    const body = response.body as { code?: unknown; data?: { message?: { message_id?: unknown } } } | null;
    const messageId = body?.data?.message?.message_id;
    if (response.status === 200 && body?.code === 0 && typeof messageId === 'string' && messageId)
      return { ok: true, platformMessageId: messageId };
    const { retryable, detail, problem } = classifyTiktokError(response.status, response.body);
    return { ok: false, retryable, error: describeFailure('TikTok', detail, [token, credentials.appSecret]), ...(problem ? { problem } : {}) };
  }
}
