import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnauthenticatedError } from '../../common/errors/domain-errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import type { UserEntity } from '../../users/entities/user.entity.js';
import { hashRefreshToken, newRefreshToken } from './refresh-token.codec.js';
import { RefreshTokensRepository, type RefreshTokenRow } from './refresh-tokens.repository.js';

/** Two tabs or requests refreshing with the same token at once: the later one is not taken for theft. */
export const REUSE_GRACE_MS = 10_000;

export interface Rotation {
  userId: string;
  workspaceId: string;
  /** The successor; null when the token had just been rotated (grace) and its successor stays the live one. */
  refreshToken: string | null;
}

type RotationOutcome = { kind: 'rotated'; rotation: Rotation } | { kind: 'reused'; familyId: string } | { kind: 'invalid' };

/** Issues, rotates and revokes refresh tokens; each sign-in is one family (chain) of tokens. */
@Injectable()
export class RefreshTokensService {
  constructor(
    private readonly tokens: RefreshTokensRepository,
    private readonly transactions: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.refreshTokenTtlSeconds;
  }

  /** A new sign-in: the first token of a new family. */
  async start(user: Pick<UserEntity, 'id' | 'workspaceId'>, manager?: EntityManager): Promise<string> {
    return this.issue(randomUUID(), user.id, user.workspaceId, manager);
  }

  /**
   * Spends the token and issues its successor. The row lock makes concurrent rotations of one token take turns: the
   * second finds it spent, so never two live successors.
   */
  async rotate(token: string | undefined): Promise<Rotation> {
    if (!token) throw new UnauthenticatedError('No refresh token');
    const tokenHash = hashRefreshToken(token);
    const outcome = await this.transactions.run(async ({ manager }): Promise<RotationOutcome> => {
      const row = await this.tokens.getByHashForUpdate(tokenHash, manager);
      if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
      if (row.spentAt) {
        if (Date.now() - row.spentAt.getTime() <= REUSE_GRACE_MS) return { kind: 'rotated', rotation: this.withoutSuccessor(row) };
        return { kind: 'reused', familyId: row.familyId };
      }
      const successor = newRefreshToken();
      const successorId = await this.insert(successor, row.familyId, row.userId, row.workspaceId, manager);
      await this.tokens.markSpent(row.id, successorId, manager);
      return { kind: 'rotated', rotation: { userId: row.userId, workspaceId: row.workspaceId, refreshToken: successor } };
    });
    if (outcome.kind === 'reused') {
      // Committed on its own: the revocation must hold although the request fails.
      await this.tokens.revokeFamily(outcome.familyId);
      throw new UnauthenticatedError('Refresh token was already used; the session is revoked');
    }
    if (outcome.kind === 'invalid') throw new UnauthenticatedError('Refresh token is expired, revoked or unknown');
    return outcome.rotation;
  }

  /** Ends the sign-in the token belongs to. Unknown tokens are ignored: logout always succeeds. */
  async revoke(token: string | undefined): Promise<void> {
    if (!token) return;
    const row = await this.tokens.getByHash(hashRefreshToken(token));
    if (row) await this.tokens.revokeFamily(row.familyId);
  }

  revokeAllOfUser(workspaceId: string, userId: string, manager?: EntityManager): Promise<void> {
    return this.tokens.revokeAllOfUser(workspaceId, userId, manager);
  }

  private withoutSuccessor(row: RefreshTokenRow): Rotation {
    return { userId: row.userId, workspaceId: row.workspaceId, refreshToken: null };
  }

  private async issue(familyId: string, userId: string, workspaceId: string, manager?: EntityManager): Promise<string> {
    const token = newRefreshToken();
    await this.insert(token, familyId, userId, workspaceId, manager);
    return token;
  }

  private async insert(token: string, familyId: string, userId: string, workspaceId: string, manager?: EntityManager): Promise<string> {
    const expiresAt = new Date(Date.now() + this.config.refreshTokenTtlSeconds * 1000);
    const row = await this.tokens.insert({ tokenHash: hashRefreshToken(token), familyId, userId, workspaceId, expiresAt }, manager);
    return row.id;
  }
}
