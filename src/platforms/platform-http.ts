/** Outbound HTTP to the platforms: JSON POST with a timeout; failures described without secrets. */
export const SEND_TIMEOUT_MS = 10_000;

export type PlatformResponse =
  { kind: 'response'; status: number; body: unknown } | { kind: 'network'; timedOut: boolean; error: string };

export interface PlatformPost {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** Values that must never appear in what this returns (tokens). */
  secrets: string[];
  timeoutMs?: number;
}

export function postJson(call: PlatformPost): Promise<PlatformResponse> {
  return post(call, 'application/json', JSON.stringify(call.body));
}

/** A form POST (OAuth token endpoints); `body` holds the fields. */
export function postForm(call: PlatformPost & { body: Record<string, string> }): Promise<PlatformResponse> {
  return post(call, 'application/x-www-form-urlencoded', new URLSearchParams(call.body).toString());
}

async function post(call: PlatformPost, contentType: string, payload: string): Promise<PlatformResponse> {
  try {
    const response = await fetch(call.url, {
      method: 'POST',
      headers: { 'Content-Type': contentType, Accept: 'application/json', ...call.headers },
      body: payload,
      signal: AbortSignal.timeout(call.timeoutMs ?? SEND_TIMEOUT_MS),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { kind: 'response', status: response.status, body };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    // fetch errors can name the URL (and with it a query token): describe them in our own words only.
    const cause =
      error instanceof Error && error.cause instanceof Error
        ? (error.cause as Error & { code?: string }).code
        : undefined;
    return {
      kind: 'network',
      timedOut,
      error: timedOut
        ? 'the platform did not answer in time'
        : `could not reach the platform${cause ? ` (${cause})` : ''}`,
    };
  }
}

/** Removes every secret (and its URL-encoded form) from a text that is about to be stored or logged. */
export function redactSecrets(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      result = result.split(form).join('[redacted]');
  }
  return result;
}

/** A readable, bounded error text for a message's `error` field. */
export function describeFailure(platformName: string, detail: string, secrets: string[]): string {
  const MAX_ERROR_LENGTH = 500;
  return redactSecrets(`${platformName}: ${detail}`, secrets).slice(0, MAX_ERROR_LENGTH);
}
