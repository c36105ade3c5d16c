import type { TiktokCredentials } from '../../channels/credentials-cipher.js';
import { failedCall, postJson, type ClassifiedFailure } from '../platform-http.js';
import { classifyTiktokError } from './tiktok-send-errors.js';

/**
 * TikTok webhooks name inbound media by id, not by URL: the attachment keeps `tiktok-media:<media_id>` until the
 * downloader has fetched the bytes through the Business API.
 */
export const TIKTOK_MEDIA_URL_PREFIX = 'tiktok-media:';

/** The download URL TikTok hands out is only served with the business's access token in this header. */
export const TIKTOK_MEDIA_TOKEN_HEADER = 'x-user';

export function tiktokMediaUrl(mediaId: string): string {
  return TIKTOK_MEDIA_URL_PREFIX + mediaId;
}

/** The media id of a `tiktok-media:` attachment URL, or null for any other URL. */
export function tiktokMediaIdOf(url: string): string | null {
  if (!url.startsWith(TIKTOK_MEDIA_URL_PREFIX)) return null;
  const mediaId = url.slice(TIKTOK_MEDIA_URL_PREFIX.length);
  return mediaId === '' ? null : mediaId;
}

/** The download API's `media_type` for an attachment type (webhook types are lowercase, REST types uppercase). */
export function tiktokMediaType(attachmentType: string): string {
  return attachmentType === 'video' ? 'VIDEO' : 'IMAGE';
}

export interface TiktokMediaRequest {
  /** The channel's external id. */
  businessId: string;
  conversationId: string;
  messageId: string;
  mediaId: string;
  mediaType: string;
}

export type TiktokDownloadUrlResult =
  | { ok: true; downloadUrl: string }
  /** `error` never holds a token. */
  | ({ ok: false; error: string } & Pick<ClassifiedFailure, 'retryable' | 'problem'>);

/**
 * `POST {TIKTOK_API_URL}/open_api/v1.3/business/message/media/download/` with the `Access-Token` header →
 * `{code: 0, data: {download_url}}`; failures are classified like sends (HTTP 200 with `code != 0`).
 */
export async function requestTiktokDownloadUrl(
  apiUrl: string,
  credentials: TiktokCredentials,
  request: TiktokMediaRequest,
): Promise<TiktokDownloadUrlResult> {
  const secrets = [credentials.accessToken, credentials.appSecret];
  const response = await postJson({
    url: `${apiUrl}/open_api/v1.3/business/message/media/download/`,
    headers: { 'Access-Token': credentials.accessToken },
    body: {
      business_id: request.businessId,
      conversation_id: request.conversationId,
      message_id: request.messageId,
      media_id: request.mediaId,
      media_type: request.mediaType,
    },
    secrets,
  });
  const body =
    response.kind === 'response'
      ? (response.body as { code?: unknown; data?: { download_url?: unknown } } | null)
      : null;
  const downloadUrl = body?.data?.download_url;
  if (response.kind === 'response' && response.status === 200 && body?.code === 0 && typeof downloadUrl === 'string' && downloadUrl)
    return { ok: true, downloadUrl };
  return failedCall('TikTok', response, classifyTiktokError, secrets, 'media download: ');
}
