import type { SendProblem } from '../platform-adapter.js';

/**
 * Meta Send API error classification (Messenger error-codes page). Transient: temporary errors and rate
 * limits, retried with backoff. Everything else is permanent: token, permission, window, unavailable user,
 * policy, bad parameters.
 */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);

const READABLE: Record<string, string> = {
  '190': 'the page access token is invalid or expired',
  '10/2018278': 'the message is outside the allowed messaging window',
  '10/1893063': 'the page is temporarily restricted from messaging',
  '551': 'this person is not available right now',
  '200': 'the app lacks permission to message this person',
  '100': 'invalid parameter',
  '2': 'temporary error at Facebook',
  '4': 'rate limited by Facebook',
  '613': 'rate limited by Facebook',
};

export interface FacebookErrorBody {
  code: number | null;
  subcode: number | null;
  message: string | null;
}

export function readFacebookError(body: unknown): FacebookErrorBody {
  const error =
    typeof body === 'object' && body !== null
      ? (body as { error?: Record<string, unknown> }).error
      : undefined;
  return {
    code: typeof error?.code === 'number' ? error.code : null,
    subcode: typeof error?.error_subcode === 'number' ? error.error_subcode : null,
    message: typeof error?.message === 'string' ? error.message : null,
  };
}

export function classifyFacebookError(
  status: number,
  body: unknown,
): { retryable: boolean; detail: string; problem?: SendProblem } {
  const { code, subcode, message } = readFacebookError(body);
  const retryable = status >= 500 || status === 429 || (code !== null && TRANSIENT_CODES.has(code));
  const known = (code !== null && (READABLE[`${code}/${subcode}`] ?? READABLE[String(code)])) || null;
  const parts = [known ?? message ?? `HTTP ${status}`];
  if (known && message) parts.push(`(${message})`);
  if (code !== null) parts.push(`[code ${code}${subcode !== null ? `/${subcode}` : ''}]`);
  const problem: SendProblem | undefined =
    code === 190 ? 'invalid_token' : code === 10 && subcode === 2018278 ? 'outside_window' : undefined;
  return { retryable, detail: parts.join(' '), ...(problem ? { problem } : {}) };
}
