import type { UserRole } from '../users/entities/user.entity.js';

/** The authenticated actor: always the first argument of a service method that acts for a user. */
export interface AuthUser {
  id: string;
  workspaceId: string;
  role: UserRole;
  email: string;
  name: string;
  /** When the credential that authenticated this request expires (epoch ms). */
  tokenExpiresAt: number;
}

export interface AccessTokenClaims {
  sub: string;
  wid: string;
  role: UserRole;
  exp?: number;
  iat?: number;
}
