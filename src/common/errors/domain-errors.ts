/**
 * The errors a service may raise. Services speak of what went wrong in domain terms; the one exception
 * filter (common/http-exception.filter.ts) maps each code to its HTTP status and Nest's error shape, so no
 * service builds an HTTP body by hand.
 */
export type DomainErrorCode =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'unprocessable'
  | 'rate_limited';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;

  /** Extra fields of the error body (e.g. the messages a collision guard found); never secrets. */
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The request is malformed (400). A list names every problem, as the validation pipe does. */
export class ValidationError extends DomainError {
  readonly code = 'validation';

  constructor(readonly problems: string | string[]) {
    super(Array.isArray(problems) ? problems.join('; ') : problems);
  }
}

/** No valid credentials (401). */
export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
}

/** Authenticated but not allowed (403). */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

/** Absent, or not visible to the caller — the two are never told apart (404). */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

/** Clashes with the current state, e.g. a taken unique value (409). */
export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

/** The thing asked for existed once and is gone for good, e.g. events removed by retention (410). */
export class GoneError extends DomainError {
  readonly code = 'gone';
}

/** Well-formed but against a business rule (422). */
export class UnprocessableError extends DomainError {
  readonly code = 'unprocessable';
}

/** Too many requests; the caller may try again after `retryAfterSeconds` (429 with Retry-After). */
export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  rate_limited: 429,
};
