import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorResponse } from './error-response.dto.js';

/** The error statuses a route may answer (docs/api.md), each with the one error shape. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid request: a malformed body, query or path id (every problem is listed)',
  401: 'Missing, invalid or expired credentials (on webhooks: a missing or bad signature)',
  403: 'Not allowed',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state',
  410: 'Gone for good',
  413: 'Request body too large',
  422: 'Against a business rule',
  429: 'Too many requests; retry after Retry-After seconds',
};

/**
 * Documents each given error status with the ErrorResponse schema (and Retry-After on 429). Errors are JSON
 * even on routes that answer text or an event stream, so the content type is stated rather than inherited.
 */
export function ApiErrorResponses(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_DESCRIPTIONS[status],
        content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } },
        ...(status === 429
          ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } }
          : {}),
      }),
    ),
  );
}
