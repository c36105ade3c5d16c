import { tokenStore } from '../auth/token-store';

/** An error answer of the API, in Nest's shape `{statusCode, error, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The whole answer, for errors that carry more than a message (a 409's `newMessages`). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function errorMessage(body: unknown, status: number): string {
  if (body && typeof body === 'object' && 'message' in body) {
    const message = body.message;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
  }
  return `Request failed (${status})`;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  /** Sign-in calls answer 401 for a wrong password: that must not end the (absent) session. */
  anonymous?: boolean;
  keepalive?: boolean;
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `/api${path}${search ? `?${search}` : ''}`;
}

/** How the client renews a refused token (the session, auth/session.ts, registers itself). */
export interface SessionHooks {
  /** A token newer than `stale`, or null when the session has ended. */
  renew: (stale: string | null) => Promise<string | null>;
  /** A renewed token was refused too: the session is over. */
  unauthorized: () => void;
}

let sessionHooks: SessionHooks | null = null;

export function setSessionHooks(hooks: SessionHooks | null): void {
  sessionHooks = hooks;
}

function send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(apiUrl(path, options.query), {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    keepalive: options.keepalive,
  });
}

/**
 * After a 401: renews the token once and retries with it; a refused renewal ends the session everywhere.
 * Generic over the answer so uploads (XMLHttpRequest, for their progress) renew the same way as fetch calls.
 */
export async function retryRenewed<Answer extends { status: number }>(
  refused: Answer,
  token: string | null,
  retry: (renewed: string) => Promise<Answer>,
): Promise<Answer> {
  if (!sessionHooks) {
    tokenStore.clear();
    return refused;
  }
  let renewed: string | null = null;
  try {
    renewed = await sessionHooks.renew(token);
  } catch {
    // The server could not be reached to renew: answer the original 401, the session may still live.
  }
  if (!renewed) return refused;
  const response = await retry(renewed);
  if (response.status === 401) sessionHooks.unauthorized();
  return response;
}

/** A GET of a protected resource (media) with the agent's token, renewed once on a 401 like apiRequest. */
export async function authorizedFetch(url: string): Promise<Response> {
  const attempt = (token: string | null) =>
    fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const token = tokenStore.get();
  const response = await attempt(token);
  return response.status === 401 ? retryRenewed(response, token, attempt) : response;
}

/**
 * Calls the API with the signed-in agent's token. A 401 renews the token once (through the refresh cookie,
 * see auth/session.ts) and retries the request with it; a refused renewal ends the session everywhere.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = options.anonymous ? null : tokenStore.get();
  let response = await send(path, options, token);
  if (response.status === 401 && !options.anonymous)
    response = await retryRenewed(response, token, (renewed) => send(path, options, renewed));
  if (response.status === 204) return undefined as T;
  return readAnswer<T>(response.status, await response.text());
}

/** The body of a 2xx answer; any other status throws its ApiError. */
export function readAnswer<T>(status: number, text: string): T {
  const body: unknown = text ? safeJson(text) : undefined;
  if (status < 200 || status > 299) throw new ApiError(status, errorMessage(body, status), body);
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
