import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/postgres-errors.js';

export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  workspaceId: string;
  expiresAt: Date;
  spentAt: Date | null;
  revokedAt: Date | null;
}

export interface NewRefreshToken {
  tokenHash: Buffer;
  familyId: string;
  userId: string;
  workspaceId: string;
  expiresAt: Date;
}

const COLUMNS = `id, family_id AS "familyId", user_id AS "userId", workspace_id AS "workspaceId",
  expires_at AS "expiresAt", spent_at AS "spentAt", revoked_at AS "revokedAt"`;

/** Every query on refresh_tokens. Tokens are looked up by their hash only; the plain token is never stored. */
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  private runner(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  async insert(token: NewRefreshToken, manager?: EntityManager): Promise<RefreshTokenRow> {
    const [row] = await queryRows<RefreshTokenRow>(
      this.runner(manager),
      `INSERT INTO refresh_tokens (token_hash, family_id, user_id, workspace_id, expires_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [token.tokenHash, token.familyId, token.userId, token.workspaceId, token.expiresAt],
    );
    return row;
  }

  /** The row, locked until the transaction ends: concurrent rotations of one token take turns. */
  async getByHashForUpdate(tokenHash: Buffer, manager: EntityManager): Promise<RefreshTokenRow | null> {
    const [row] = await queryRows<RefreshTokenRow>(manager, `SELECT ${COLUMNS} FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`, [tokenHash]);
    return row ?? null;
  }

  async getByHash(tokenHash: Buffer): Promise<RefreshTokenRow | null> {
    const [row] = await queryRows<RefreshTokenRow>(this.runner(), `SELECT ${COLUMNS} FROM refresh_tokens WHERE token_hash = $1`, [tokenHash]);
    return row ?? null;
  }

  async markSpent(id: string, replacedBy: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE refresh_tokens SET spent_at = now(), replaced_by = $2 WHERE id = $1', [id, replacedBy]);
  }

  async revokeFamily(familyId: string, manager?: EntityManager): Promise<void> {
    await this.runner(manager).query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  }

  async revokeAllOfUser(workspaceId: string, userId: string, manager?: EntityManager): Promise<void> {
    await this.runner(manager).query(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE workspace_id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [workspaceId, userId],
    );
  }

  /** Deletes rows expired before the cutoff; returns how many. */
  async pruneExpired(cutoff: Date): Promise<number> {
    const rows = await queryRows<{ id: string }>(this.runner(), 'DELETE FROM refresh_tokens WHERE expires_at < $1 RETURNING id', [cutoff]);
    return rows.length;
  }
}
