import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DOMAIN_ERROR_STATUS, DomainError, RateLimitedError, ValidationError } from './errors/domain-errors.js';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

const PARSER_ERRORS: Record<string, { status: number; message: string }> = {
  'entity.parse.failed': { status: 400, message: 'Request body is not valid JSON' },
  'entity.too.large': { status: 413, message: 'Request body is too large' },
  'encoding.unsupported': { status: 415, message: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, message: 'Unsupported charset' },
  'request.aborted': { status: 400, message: 'Request aborted' },
};

/**
 * Answers every error in Nest's shape `{statusCode, error, message}`. Domain errors are mapped to their
 * status (with `Retry-After` for rate limits); HTTP errors pass through; body-parser
 * errors become 400/413; anything else is logged with context and answered with a generic 500, so neither a
 * stack trace nor a secret ever reaches a client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    if (exception instanceof DomainError) {
      const status = DOMAIN_ERROR_STATUS[exception.code];
      if (exception instanceof RateLimitedError) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
      const message = exception instanceof ValidationError ? exception.problems : exception.message;
      response.status(status).json({ statusCode: status, error: httpErrorName(status), message, ...exception.details });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const payload =
        typeof body === 'string' ? { statusCode: status, error: httpErrorName(status), message: body } : { ...(body) };
      response.status(status).json(payload);
      return;
    }
    const parserError = exception as BodyParserError;
    const known = parserError?.type ? PARSER_ERRORS[parserError.type] : undefined;
    if (known) {
      response.status(known.status).json({ statusCode: known.status, error: httpErrorName(known.status), message: known.message });
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    response
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
  }
}

function httpErrorName(status: number): string {
  const names: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    410: 'Gone',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
  };
  return names[status] ?? 'Error';
}
