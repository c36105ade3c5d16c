import { Inject, Injectable } from '@nestjs/common';
import type { ZaloCredentials } from '../../channels/credentials-cipher.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type {
  ChannelDelivery,
  OutboundTarget,
  PlatformAdapter,
  SendResult,
  SignedRequest,
} from '../platform-adapter.js';
import { isRecord, optionalId } from '../payload-reader.js';
import { describeFailure, postJson } from '../platform-http.js';
import { headerValue } from '../signature.util.js';
import { parseZaloPayload } from './zalo-inbound.parser.js';
import { classifyZaloError } from './zalo-send-errors.js';
import { ZALO_SIGNATURE_HEADER, verifyZaloSignature } from './zalo-signature.util.js';

/** Zalo OA: X-ZEvent-Signature webhooks, v3 customer-service message with the `access_token` header. */
@Injectable()
export class ZaloAdapter implements PlatformAdapter<'zalo'> {
  readonly platform = 'zalo' as const;
  readonly signatureHeader = ZALO_SIGNATURE_HEADER;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  parse(body: unknown): ChannelDelivery[] {
    return parseZaloPayload(body);
  }

  verify(request: SignedRequest, credentials: ZaloCredentials): boolean {
    const timestamp = isRecord(request.body) ? optionalId(request.body.timestamp) : null;
    if (timestamp === null) return false;
    return verifyZaloSignature(
      request.rawBody,
      headerValue(request.headers, ZALO_SIGNATURE_HEADER),
      credentials.appId,
      timestamp,
      credentials.oaSecretKey,
    );
  }

  async send(credentials: ZaloCredentials, target: OutboundTarget): Promise<SendResult> {
    const token = credentials.accessToken;
    const response = await postJson({
      url: `${this.config.zaloApiUrl}/v3.0/oa/message/cs`,
      headers: { access_token: token },
      body: { recipient: { user_id: target.threadKey }, message: { text: target.content } },
      secrets: [token, credentials.oaSecretKey],
    });
    if (response.kind === 'network')
      return { ok: false, retryable: true, error: describeFailure('Zalo', response.error, [token]) };
    const body = response.body as { error?: unknown; data?: { message_id?: unknown } } | null;
    const messageId = typeof body?.data?.message_id === 'string' ? body.data.message_id : null;
    if (response.status === 200 && body?.error === 0 && messageId)
      return { ok: true, platformMessageId: messageId };
    const { retryable, detail } = classifyZaloError(response.status, response.body);
    return { ok: false, retryable, error: describeFailure('Zalo', detail, [token, credentials.oaSecretKey]) };
  }
}
