import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ZaloCredentials } from '../../channels/credentials-cipher.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type {
  ChannelDelivery,
  OutboundTarget,
  PlatformAdapter,
  SendResult,
  SignedRequest,
} from '../platform-adapter.js';
import { isRecord } from '../payload-reader.js';
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
  private readonly logger = new Logger(ZaloAdapter.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  parse(body: unknown): ChannelDelivery[] {
    return parseZaloPayload(body);
  }

  /**
   * The channel's app id is the documented first term; the body's own `app_id` is tried next (sources
   * disagree on edge cases, and the OA secret key still has to match).
   */
  verify(request: SignedRequest, credentials: ZaloCredentials): boolean {
    const body = isRecord(request.body) ? request.body : {};
    const timestamp =
      typeof body.timestamp === 'string' || typeof body.timestamp === 'number'
        ? String(body.timestamp)
        : null;
    if (timestamp === null) return false;
    const header = headerValue(request.headers, ZALO_SIGNATURE_HEADER);
    const appIds = new Set([
      credentials.appId,
      typeof body.app_id === 'string' ? body.app_id : credentials.appId,
    ]);
    for (const appId of appIds) {
      if (verifyZaloSignature(request.rawBody, header, appId, timestamp, credentials.oaSecretKey)) {
        if (appId !== credentials.appId)
          this.logger.warn(
            'Zalo signature matched the body app_id, not the channel appId: check the channel credentials',
          );
        return true;
      }
    }
    return false;
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
    const { retryable, detail, problem } = classifyZaloError(response.status, response.body);
    return { ok: false, retryable, error: describeFailure('Zalo', detail, [token, credentials.oaSecretKey]), ...(problem ? { problem } : {}) };
  }
}
