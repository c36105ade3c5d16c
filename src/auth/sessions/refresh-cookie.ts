import type { Request, Response } from 'express';

export const REFRESH_COOKIE = 'crm_refresh';
/** Sent only to the auth routes that read it: no other request carries the refresh token. */
export const REFRESH_COOKIE_PATH = '/api/auth';

function cookieOptions(request: Request) {
  // req.secure honours `trust proxy`, so HTTPS terminated at a trusted proxy counts as HTTPS.
  return { httpOnly: true, sameSite: 'strict' as const, path: REFRESH_COOKIE_PATH, secure: request.secure };
}

export function setRefreshCookie(request: Request, response: Response, token: string, ttlSeconds: number): void {
  response.cookie(REFRESH_COOKIE, token, { ...cookieOptions(request), maxAge: ttlSeconds * 1000 });
}

export function clearRefreshCookie(request: Request, response: Response): void {
  response.clearCookie(REFRESH_COOKIE, cookieOptions(request));
}

/** The refresh token of a request: the body's (a non-browser client) wins over the cookie's. */
export function presentedRefreshToken(request: Request, bodyToken: string | undefined): string | undefined {
  const cookies = request.cookies as Record<string, unknown> | undefined;
  const fromCookie = cookies?.[REFRESH_COOKIE];
  return bodyToken ?? (typeof fromCookie === 'string' && fromCookie !== '' ? fromCookie : undefined);
}
