import { Inject, Injectable } from '@nestjs/common';
import type { FacebookCredentials } from '../../channels/credentials-cipher.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type {
  ChannelDelivery,
  OutboundMediaFile,
  OutboundTarget,
  PlatformAdapter,
  SendResult,
  SignedRequest,
} from '../platform-adapter.js';
import {
  failedCall,
  postJson,
  postMultipart,
  UPLOAD_TIMEOUT_MS,
  type PlatformResponse,
} from '../platform-http.js';
import { headerValue } from '../signature.util.js';
import { FACEBOOK_METADATA_PREFIX, parseFacebookPayload } from './facebook-inbound.parser.js';
import { classifyFacebookError } from './facebook-send-errors.js';
import { FACEBOOK_SIGNATURE_HEADER, verifyFacebookSignature } from './facebook-signature.util.js';

/** Facebook Messenger: X-Hub-Signature-256 webhooks, Send API `POST {graph}/me/messages` with the page token. */
@Injectable()
export class FacebookAdapter implements PlatformAdapter<'facebook'> {
  readonly platform = 'facebook' as const;
  readonly signatureHeader = FACEBOOK_SIGNATURE_HEADER;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  parse(body: unknown): ChannelDelivery[] {
    return parseFacebookPayload(body);
  }

  verify(request: SignedRequest, credentials: FacebookCredentials): boolean {
    return verifyFacebookSignature(
      request.rawBody,
      headerValue(request.headers, FACEBOOK_SIGNATURE_HEADER),
      credentials.appSecret,
    );
  }

  async send(credentials: FacebookCredentials, target: OutboundTarget): Promise<SendResult> {
    const token = credentials.pageAccessToken;
    const response = await postJson({
      url: this.sendUrl(token),
      headers: {},
      body: {
        recipient: { id: target.threadKey },
        ...this.messagingType(target),
        message: { text: target.content, metadata: FACEBOOK_METADATA_PREFIX + target.messageId },
      },
      secrets: [token, credentials.appSecret],
    });
    return this.result(credentials, response);
  }

  /** The Send API with the file attached: multipart, `message` naming the type, the bytes in `filedata`. */
  async sendFile(
    credentials: FacebookCredentials,
    target: OutboundTarget,
    file: OutboundMediaFile,
  ): Promise<SendResult> {
    const token = credentials.pageAccessToken;
    const messagingType = this.messagingType(target);
    const response = await postMultipart({
      url: this.sendUrl(token),
      headers: {},
      fields: [
        { name: 'recipient', value: JSON.stringify({ id: target.threadKey }) },
        ...Object.entries(messagingType).map(([name, value]) => ({ name, value })),
        {
          name: 'message',
          value: JSON.stringify({
            attachment: { type: file.kind, payload: { is_reusable: false } },
            metadata: FACEBOOK_METADATA_PREFIX + target.messageId,
          }),
        },
        { name: 'filedata', file },
      ],
      secrets: [token, credentials.appSecret],
      timeoutMs: UPLOAD_TIMEOUT_MS,
    });
    return this.result(credentials, response);
  }

  private sendUrl(token: string): string {
    return `${this.config.facebookGraphUrl}/me/messages?access_token=${encodeURIComponent(token)}`;
  }

  /** Inside 24 h a RESPONSE; after it, up to 7 d, only a human agent's reply with the HUMAN_AGENT tag. */
  private messagingType(target: OutboundTarget): Record<string, string> {
    return target.humanAgentTag
      ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }
      : { messaging_type: 'RESPONSE' };
  }

  private result(credentials: FacebookCredentials, response: PlatformResponse): SendResult {
    const messageId =
      response.kind === 'response' ? (response.body as { message_id?: unknown } | null)?.message_id : null;
    if (
      response.kind === 'response' &&
      response.status >= 200 &&
      response.status < 300 &&
      typeof messageId === 'string' &&
      messageId
    )
      return { ok: true, platformMessageId: messageId };
    return failedCall('Facebook', response, classifyFacebookError, [
      credentials.pageAccessToken,
      credentials.appSecret,
    ]);
  }
}
