import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ZaloCredentials } from '../../channels/credentials-cipher.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type {
  ChannelDelivery,
  OutboundMediaFile,
  OutboundTarget,
  PlatformAdapter,
  SendResult,
  SignedRequest,
} from '../platform-adapter.js';
import { isRecord } from '../payload-reader.js';
import { failedCall, postJson, postMultipart, UPLOAD_TIMEOUT_MS } from '../platform-http.js';
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
    return this.sendMessage(credentials, target, { text: target.content });
  }

  /**
   * Images: `upload/image` → `attachment_id`, sent as a media template; other files: `upload/file` → `token`,
   * sent as a file attachment.
   */
  async sendFile(
    credentials: ZaloCredentials,
    target: OutboundTarget,
    file: OutboundMediaFile,
  ): Promise<SendResult> {
    const token = credentials.accessToken;
    const image = file.kind === 'image';
    const response = await postMultipart({
      url: `${this.config.zaloApiUrl}/v2.0/oa/upload/${image ? 'image' : 'file'}`,
      headers: { access_token: token },
      fields: [{ name: 'file', file }],
      secrets: [token, credentials.oaSecretKey],
      timeoutMs: UPLOAD_TIMEOUT_MS,
    });
    const body =
      response.kind === 'response'
        ? (response.body as { error?: unknown; data?: Record<string, unknown> } | null)
        : null;
    const reference = image ? body?.data?.attachment_id : body?.data?.token;
    if (
      response.kind === 'network' ||
      response.status !== 200 ||
      body?.error !== 0 ||
      typeof reference !== 'string' ||
      !reference
    )
      return failedCall(
        'Zalo',
        response,
        classifyZaloError,
        [credentials.accessToken, credentials.oaSecretKey],
        'upload: ',
      );
    return this.sendMessage(credentials, target, {
      attachment: image
        ? {
            type: 'template',
            payload: {
              template_type: 'media',
              elements: [{ media_type: 'image', attachment_id: reference }],
            },
          }
        : { type: 'file', payload: { token: reference } },
    });
  }

  private async sendMessage(
    credentials: ZaloCredentials,
    target: OutboundTarget,
    message: unknown,
  ): Promise<SendResult> {
    const token = credentials.accessToken;
    const response = await postJson({
      url: `${this.config.zaloApiUrl}/v3.0/oa/message/cs`,
      headers: { access_token: token },
      body: { recipient: { user_id: target.threadKey }, message },
      secrets: [token, credentials.oaSecretKey],
    });
    const body =
      response.kind === 'response'
        ? (response.body as { error?: unknown; data?: { message_id?: unknown } } | null)
        : null;
    const messageId = typeof body?.data?.message_id === 'string' ? body.data.message_id : null;
    if (response.kind === 'response' && response.status === 200 && body?.error === 0 && messageId)
      return { ok: true, platformMessageId: messageId };
    return failedCall('Zalo', response, classifyZaloError, [
      credentials.accessToken,
      credentials.oaSecretKey,
    ]);
  }
}
