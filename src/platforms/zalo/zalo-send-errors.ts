import type { SendProblem } from '../platform-adapter.js';

/**
 * Zalo OA answers HTTP 200 with `error != 0` on failure. Transient: rate limit (-32) and HTTP 5xx. Permanent:
 * token (-216/-220: refreshed and retried once by the sender when the channel can refresh), user unreachable (-213 not following, -230 no interaction
 * in 7 days, -244 restricted), tier (-224), bad parameter (-201), and any other code.
 */
const TRANSIENT_CODES = new Set([-32]);

const READABLE: Record<number, string> = {
  [-216]: 'the OA access token is invalid',
  [-220]: 'the OA access token has expired',
  [-230]: 'the user has not interacted with the OA in the past 7 days',
  [-213]: 'the user does not follow the OA',
  [-32]: 'rate limited by Zalo',
  [-224]: 'the OA tier does not allow this message',
  [-201]: 'invalid parameter',
  [-244]: 'the user restricted this type of message',
};

const PROBLEMS: Record<number, SendProblem> = { [-216]: 'invalid_token', [-220]: 'invalid_token', [-230]: 'outside_window' };

export function classifyZaloError(
  status: number,
  body: unknown,
): { retryable: boolean; detail: string; problem?: SendProblem } {
  const fields =
    typeof body === 'object' && body !== null ? (body as { error?: unknown; message?: unknown }) : {};
  const code = typeof fields.error === 'number' ? fields.error : null;
  const message = typeof fields.message === 'string' ? fields.message : null;
  if (status >= 500 || status === 429)
    return { retryable: true, detail: `HTTP ${status}${message ? ` (${message})` : ''}` };
  if (code === null) return { retryable: status >= 500, detail: `unexpected answer (HTTP ${status})` };
  const known = READABLE[code];
  const text = [known ?? message ?? 'error', known && message ? `(${message})` : null, `[error ${code}]`]
    .filter(Boolean)
    .join(' ');
  const problem = PROBLEMS[code];
  return { retryable: TRANSIENT_CODES.has(code), detail: text, ...(problem ? { problem } : {}) };
}
