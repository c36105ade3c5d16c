import { Inject, Injectable } from '@nestjs/common';
import type { FacebookCredentials } from '../../channels/credentials-cipher.js';
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
      url: `${this.config.facebookGraphUrl}/me/messages?access_token=${encodeURIComponent(token)}`,
      headers: {},
      body: {
        recipient: { id: target.threadKey },
        // Inside 24 h a RESPONSE; after it, up to 7 d, only a human agent's reply with the HUMAN_AGENT tag.
        ...(target.humanAgentTag
          ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }
          : { messaging_type: 'RESPONSE' }),
        message: { text: target.content, metadata: FACEBOOK_METADATA_PREFIX + target.messageId },
      },
      secrets: [token, credentials.appSecret],
    });
    if (response.kind === 'network')
      return { ok: false, retryable: true, error: describeFailure('Facebook', response.error, [token]) };
    const messageId = (response.body as { message_id?: unknown } | null)?.message_id;
    if (response.status >= 200 && response.status < 300 && typeof messageId === 'string' && messageId) {
      return { ok: true, platformMessageId: messageId };
    }
    const { retryable, detail, problem } = classifyFacebookError(response.status, response.body);
    return {
      ok: false,
      retryable,
      error: describeFailure('Facebook', detail, [token, credentials.appSecret]),
      ...(problem ? { problem } : {}),
    };
  }
}
