import type { SendProblem } from '../platform-adapter.js';

/**
 * TikTok Business Messaging answers HTTP 200 with `code != 0` on failure. Transient: rate limit (40100),
 * system error (51065), HTTP 5xx/429. Permanent: permission (40001), parameters (40002), target gone
 * (40007), direct-message rules / window (40064), token (40105), file type (40908), any other code.
 */
const TRANSIENT_CODES = new Set([40100, 51065]);

const READABLE: Record<number, string> = {
  40001: 'no permission to message this conversation',
  40002: 'invalid parameter',
  40007: 'the conversation does not exist',
  40064: 'blocked by direct-message rules (outside the messaging window or over quota)',
  40100: 'rate limited by TikTok',
  40105: 'the access token is invalid',
  40908: 'unsupported file type',
  51065: 'temporary system error at TikTok',
};

const PROBLEMS: Record<number, SendProblem> = { 40105: 'invalid_token', 40064: 'outside_window' };

export function classifyTiktokError(
  status: number,
  body: unknown,
): { retryable: boolean; detail: string; problem?: SendProblem } {
  const fields =
    typeof body === 'object' && body !== null ? (body as { code?: unknown; message?: unknown }) : {};
  const code = typeof fields.code === 'number' ? fields.code : null;
  const message = typeof fields.message === 'string' ? fields.message : null;
  if (status >= 500 || status === 429)
    return { retryable: true, detail: `HTTP ${status}${message ? ` (${message})` : ''}` };
  if (code === null) return { retryable: false, detail: `unexpected answer (HTTP ${status})` };
  const known = READABLE[code];
  const text = [known ?? message ?? 'error', known && message ? `(${message})` : null, `[code ${code}]`]
    .filter(Boolean)
    .join(' ');
  const problem = PROBLEMS[code];
  return { retryable: TRANSIENT_CODES.has(code), detail: text, ...(problem ? { problem } : {}) };
}
