import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { queryRows } from '../database/postgres-errors.js';

export const TICKET_TTL_MS = 60_000;
const TICKET_BYTES = 32;

export interface RedeemedTicket {
  userId: string;
  tokenExpiresAt: number;
}

function hashTicket(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

/**
 * Single-use, 60 s tickets for browser EventSource, which cannot send headers. Stored hashed in Postgres, so
 * a ticket issued by one instance works on any other, and redeeming is one atomic UPDATE (used once).
 */
@Injectable()
export class StreamTicketsService {
  constructor(private readonly dataSource: DataSource) {}

  async issue(actor: AuthUser): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = randomBytes(TICKET_BYTES).toString('base64url');
    const expiresAt = new Date(Math.min(Date.now() + TICKET_TTL_MS, actor.tokenExpiresAt));
    await this.dataSource.query(
      'INSERT INTO stream_tickets (ticket_hash, user_id, token_expires_at, expires_at) VALUES ($1, $2, $3, $4)',
      [hashTicket(ticket), actor.id, new Date(actor.tokenExpiresAt), expiresAt],
    );
    // Expired tickets are removed opportunistically; the table stays as small as the traffic of one minute.
    await this.dataSource.query("DELETE FROM stream_tickets WHERE expires_at < now() - interval '5 minutes'");
    return { ticket, expiresAt: expiresAt.toISOString() };
  }

  async redeem(ticket: string): Promise<RedeemedTicket | null> {
    const [row] = await queryRows<{ user_id: string; token_expires_at: Date }>(
      this.dataSource,
      `UPDATE stream_tickets SET used_at = now()
        WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, token_expires_at`,
      [hashTicket(ticket)],
    );
    return row ? { userId: row.user_id, tokenExpiresAt: row.token_expires_at.getTime() } : null;
  }
}
