import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository.js';
import { ActorCache, type CachedUser } from './actor-cache.js';
import type { AccessTokenClaims, AuthUser } from './auth-user.js';

/**
 * Turns verified token claims into the actor, as the database has it (through ActorCache, which every user
 * change invalidates): a deleted user's token stops working at once, and the role is the current one, not the
 * one at login.
 */
@Injectable()
export class ActorLoader {
  constructor(
    private readonly users: UsersRepository,
    private readonly cache: ActorCache,
  ) {}

  async load(claims: AccessTokenClaims): Promise<AuthUser | null> {
    const actor = await this.loadById(claims.sub, (claims.exp ?? 0) * 1000);
    return actor && actor.workspaceId === claims.wid ? actor : null;
  }

  async loadById(userId: string, tokenExpiresAt: number): Promise<AuthUser | null> {
    const user = await this.cache.get(userId, () => this.read(userId));
    return user ? { ...user, tokenExpiresAt } : null;
  }

  private async read(userId: string): Promise<CachedUser | null> {
    const user = await this.users.getById(userId);
    if (!user) return null;
    return { id: user.id, workspaceId: user.workspaceId, role: user.role, email: user.email, name: user.name };
  }
}
