import type { CredentialsByPlatform } from '../channels/credentials-cipher.js';
import type { Platform } from '../channels/entities/channel.entity.js';
import type { MessageAttachment } from '../messages/entities/message.entity.js';
import type { OutboundFile } from './platform-http.js';

/** A message in a platform thread: a customer's message, or an echo of one the page/OA/business sent. */
export interface InboundMessage {
  kind: 'message';
  /** `customer`: written by the platform user; `echo`: sent by the page/OA/business (here or elsewhere). */
  direction: 'customer' | 'echo';
  platformMessageId: string;
  /** The conversation's thread key: the user id (Facebook, Zalo) or TikTok's conversation_id. */
  threadKey: string;
  /** The platform user id of the customer in this thread. */
  customerExternalId: string;
  /** A display name when the platform gives one (TikTok usernames); never overwrites a known name. */
  customerName: string | null;
  text: string;
  attachments: MessageAttachment[];
  /** The platform's timestamp; null when the payload carries none (then: now). */
  sentAt: Date | null;
  /** For echoes: our own message id when the platform echoed it back (Facebook `metadata`). */
  outboundMessageId: string | null;
  /** For echoes: the platform says it came from an API send, so it may be one of ours still in flight. */
  sentThroughApi: boolean;
}

/** A delivery/read receipt for agent messages: by platform message ids, or by a watermark on a thread. */
export interface InboundReceipt {
  kind: 'receipt';
  status: 'delivered' | 'read';
  platformMessageIds: string[];
  /** With `watermark`: every agent message of this thread sent at or before it. */
  threadKey: string | null;
  watermark: Date | null;
}

/** A customer became known without a message (Zalo follow/unfollow). */
export interface InboundContact {
  kind: 'contact';
  customerExternalId: string;
  customerName: string | null;
}

/** An event acknowledged without storing anything. `unknown` ones are logged (once per kind). */
export interface IgnoredEvent {
  kind: 'ignored';
  eventKind: string;
  reason: 'unknown' | 'unsupported' | 'no_content';
}

export type InboundItem = InboundMessage | InboundReceipt | InboundContact | IgnoredEvent;

/** The part of one webhook delivery that belongs to one channel (a Facebook batch may carry several pages). */
export interface ChannelDelivery {
  /** The page id / OA id / business id the payload carries: `channels.external_id`. */
  channelKey: string;
  items: InboundItem[];
}

export interface SignedRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface OutboundTarget {
  /** Our message id (Facebook echoes it back as metadata). */
  messageId: string;
  /** The channel's external id (TikTok's business_id). */
  channelExternalId: string;
  /** The conversation's thread key: the recipient (PSID, Zalo user id, TikTok conversation_id). */
  threadKey: string;
  content: string;
  /** Facebook: past the 24 h window, inside 7 d — send with `MESSAGE_TAG` + `HUMAN_AGENT`. */
  humanAgentTag?: boolean;
}

/** Failures the sender treats specially: a token to refresh or reconnect, a closed reply window. */
export type SendProblem = 'invalid_token' | 'outside_window';

export type SendResult =
  | { ok: true; platformMessageId: string }
  /** `retryable`: transient (5xx, timeout, rate limit); otherwise permanent. `error` never holds a token. */
  | { ok: false; retryable: boolean; error: string; problem?: SendProblem };

/** Thrown by `parse` when the JSON is not a payload of this platform: answered 400. */
export class MalformedPayloadError extends Error {}

/**
 * Everything platform-specific, behind one interface: a new platform is one folder implementing it plus one
 * line in platform-registry.ts.
 */
export interface PlatformAdapter<P extends Platform = Platform> {
  readonly platform: P;
  /** The header carrying the signature; a request without it is answered 401 before any lookup. */
  readonly signatureHeader: string;
  /** Pure: splits the payload into per-channel normalised items. Throws MalformedPayloadError. */
  parse(body: unknown): ChannelDelivery[];
  /** Checks the signature over the exact raw bytes with one channel's credentials (constant-time). */
  verify(request: SignedRequest, credentials: CredentialsByPlatform[P], now: Date): boolean;
  /** Sends one agent text message; never throws for platform or network failures. */
  send(credentials: CredentialsByPlatform[P], target: OutboundTarget): Promise<SendResult>;
  /**
   * Uploads one stored file (streamed) and sends it as one platform message, without text; never throws for
   * platform or network failures. The file has passed `mediaLimitProblem` of this platform.
   */
  sendFile(
    credentials: CredentialsByPlatform[P],
    target: OutboundTarget,
    file: OutboundMediaFile,
  ): Promise<SendResult>;
}

/** A stored upload to send: `kind` is the attachment type read from its bytes. */
export interface OutboundMediaFile extends OutboundFile {
  kind: 'image' | 'video' | 'audio' | 'file';
}
