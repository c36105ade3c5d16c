/** Outbound HTTP to the platforms: JSON, form and multipart POSTs with a timeout; failures described without secrets. */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';

export const SEND_TIMEOUT_MS = 10_000;
/** Uploads carry up to UPLOAD_MAX_BYTES: more time than a JSON send. */
export const UPLOAD_TIMEOUT_MS = 60_000;

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
  return send(call, { contentType: 'application/json', payload: JSON.stringify(call.body) });
}

/** A GET of a JSON resource (profile lookups); the same timeout and secret-free failures as the POSTs. */
export function getJson(call: Omit<PlatformPost, 'body'>): Promise<PlatformResponse> {
  return send(call, null);
}

/** A form POST (OAuth token endpoints); `body` holds the fields. */
export function postForm(call: PlatformPost & { body: Record<string, string> }): Promise<PlatformResponse> {
  return send(call, {
    contentType: 'application/x-www-form-urlencoded',
    payload: new URLSearchParams(call.body).toString(),
  });
}

interface Payload {
  contentType: string;
  payload: string | ReadableStream<Uint8Array>;
  /** Set for streamed payloads (the platforms want a length, not chunked uploads). */
  length?: number;
}

async function send(
  call: Pick<PlatformPost, 'url' | 'headers' | 'timeoutMs'>,
  request: Payload | null,
): Promise<PlatformResponse> {
  const { contentType, payload, length } = request ?? {};
  try {
    const response = await fetch(call.url, {
      method: request ? 'POST' : 'GET',
      headers: {
        ...(contentType ? { 'Content-Type': contentType } : {}),
        Accept: 'application/json',
        ...(length !== undefined ? { 'Content-Length': String(length) } : {}),
        ...call.headers,
      },
      body: payload as RequestInit['body'],
      signal: AbortSignal.timeout(call.timeoutMs ?? SEND_TIMEOUT_MS),
      ...(payload === undefined || typeof payload === 'string' ? {} : { duplex: 'half' }),
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

/** A stored file to upload: its bytes are read from `open()` as the request goes out, never buffered whole. */
export interface OutboundFile {
  name: string;
  mimeType: string;
  size: number;
  open(): NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
}

export type MultipartField = { name: string; value: string } | { name: string; file: OutboundFile };

/** A multipart/form-data POST (platform uploads): text fields, then files streamed, with a Content-Length. */
export function postMultipart(
  call: Omit<PlatformPost, 'body'> & { fields: MultipartField[] },
): Promise<PlatformResponse> {
  const boundary = `----crm-inbox-${randomUUID()}`;
  const parts: Array<Buffer | OutboundFile> = [];
  for (const field of call.fields) {
    const name = quoteHeaderValue(field.name);
    if ('value' in field) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${field.value}\r\n`,
        ),
      );
    } else {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${quoteHeaderValue(field.file.name)}"\r\n` +
            `Content-Type: ${field.file.mimeType}\r\n\r\n`,
        ),
        field.file,
        Buffer.from('\r\n'),
      );
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const length = parts.reduce((total, part) => total + (Buffer.isBuffer(part) ? part.length : part.size), 0);
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const part of parts) {
      if (Buffer.isBuffer(part)) yield part;
      else
        for await (const chunk of part.open()) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    }
  }
  return send(call, {
    contentType: `multipart/form-data; boundary=${boundary}`,
    payload: Readable.toWeb(Readable.from(body())) as ReadableStream<Uint8Array>,
    length,
  });
}

/** A header parameter value: no quotes, CR or LF (they would end the header), non-ASCII kept as UTF-8. */
function quoteHeaderValue(value: string): string {
  return value.replace(/["\r\n\\]/g, '_');
}

/** How a platform's error answer reads: retryable or not, a readable detail, a problem the sender handles. */
export interface ClassifiedFailure {
  retryable: boolean;
  detail: string;
  problem?: 'invalid_token' | 'outside_window';
}

/** A failed call as a send result: network failures are retryable; `prefix` names the step (`upload: `). */
export function failedCall(
  platformName: string,
  response: PlatformResponse,
  classify: (status: number, body: unknown) => ClassifiedFailure,
  secrets: string[],
  prefix = '',
): { ok: false; retryable: boolean; error: string; problem?: ClassifiedFailure['problem'] } {
  if (response.kind === 'network')
    return {
      ok: false,
      retryable: true,
      error: describeFailure(platformName, prefix + response.error, secrets),
    };
  const { retryable, detail, problem } = classify(response.status, response.body);
  return {
    ok: false,
    retryable,
    error: describeFailure(platformName, prefix + detail, secrets),
    ...(problem ? { problem } : {}),
  };
}
