import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The origin the request reached this server at: protocol and host as Express reports them, which believe
 * X-Forwarded-Proto / X-Forwarded-Host only from proxies trusted by TRUST_PROXY.
 */
export const RequestOrigin = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<Request>();
  return `${request.protocol}://${request.host}`;
});
