import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { ActorLoader } from '../auth/actor-loader.js';
import type { AuthUser } from '../auth/auth-user.js';
import { TokenService } from '../auth/token.service.js';
import { StreamTicketsService } from './stream-tickets.service.js';

/**
 * The stream accepts `Authorization: Bearer <accessToken>` or `?ticket=` (single use). Failing both answers
 * 401 before a single byte of the stream is written.
 */
@Injectable()
export class StreamAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly actors: ActorLoader,
    private readonly tickets: StreamTicketsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    request.user = (await this.fromHeader(request)) ?? (await this.fromTicket(request)) ?? undefined;
    if (!request.user) throw new UnauthorizedException('A valid bearer token or stream ticket is required');
    return true;
  }

  private async fromHeader(request: Request): Promise<AuthUser | null> {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) return null;
    const claims = this.tokens.verify(header.slice('Bearer '.length).trim());
    return claims ? this.actors.load(claims) : null;
  }

  private async fromTicket(request: Request): Promise<AuthUser | null> {
    const ticket = request.query.ticket;
    if (typeof ticket !== 'string' || ticket.length === 0 || ticket.length > 200) return null;
    const redeemed = await this.tickets.redeem(ticket);
    return redeemed ? this.actors.loadById(redeemed.userId, redeemed.tokenExpiresAt) : null;
  }
}
