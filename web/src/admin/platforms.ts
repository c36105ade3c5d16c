import type { Platform } from '../api/models';

export interface CredentialField {
  name: string;
  label: string;
  required: boolean;
  /** A secret: typed into a masked input, so it is not shown on screen or kept by the browser's autofill. */
  secret?: boolean;
}

/** The credentials each platform's channel takes (docs/api.md "Channels"), and what to set up on the platform. */
export const PLATFORM_SETUP: Record<Platform, { label: string; fields: CredentialField[]; help: string }> = {
  facebook: {
    label: 'Facebook page',
    fields: [
      { name: 'appSecret', label: 'App secret', required: true, secret: true },
      { name: 'pageAccessToken', label: 'Page access token', required: true, secret: true },
      { name: 'verifyToken', label: 'Verify token', required: true },
    ],
    help:
      'In the Meta App Dashboard, set the callback URL to the webhook URL and the verify token to the one entered ' +
      'here; subscribe the page to messages, message_echoes, message_deliveries and message_reads.',
  },
  zalo: {
    label: 'Zalo OA',
    fields: [
      { name: 'appId', label: 'App id', required: true },
      { name: 'oaSecretKey', label: 'OA secret key', required: true, secret: true },
      { name: 'accessToken', label: 'Access token', required: true, secret: true },
      { name: 'appSecret', label: 'App secret key (for token refresh)', required: false, secret: true },
      { name: 'refreshToken', label: 'Refresh token', required: false, secret: true },
      { name: 'accessTokenExpiresAt', label: 'Access token expires at (ISO)', required: false },
    ],
    help:
      'In the Zalo developer console, set the webhook URL and enable the user_send_* message events, oa_send_* ' +
      '(echoes), user_received_message and user_seen_message.',
  },
  tiktok: {
    label: 'TikTok business account',
    fields: [
      { name: 'appSecret', label: 'App secret', required: true, secret: true },
      { name: 'accessToken', label: 'Access token', required: true, secret: true },
      { name: 'appId', label: 'App id / client key (for token refresh)', required: false },
      { name: 'refreshToken', label: 'Refresh token', required: false, secret: true },
      { name: 'accessTokenExpiresAt', label: 'Access token expires at (ISO)', required: false },
    ],
    help:
      'Register the webhook URL for the DIRECT_MESSAGE event type (Business Messaging API, business/webhook/update); ' +
      'the inbox uses im_receive_msg, im_send_msg and im_mark_read_msg.',
  },
};

/** Only the non-empty values: optional fields left blank are not sent. */
export function filledCredentials(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== ''));
}

/** The webhook URL to paste into the platform: an event's path-only URL is resolved against this origin. */
export function absoluteWebhookUrl(webhookUrl: string, origin = window.location.origin): string {
  return new URL(webhookUrl, origin).toString();
}
