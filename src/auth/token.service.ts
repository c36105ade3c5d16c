import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import type { AccessTokenClaims } from './auth-user.js';

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issue(user: UserEntity): IssuedToken {
    const claims: AccessTokenClaims = { sub: user.id, wid: user.workspaceId, role: user.role };
    return {
      accessToken: this.jwt.sign(claims, { expiresIn: this.config.jwtExpiresInSeconds }),
      tokenType: 'Bearer',
      expiresIn: this.config.jwtExpiresInSeconds,
    };
  }

  /** Verifies a token outside passport (the stream accepts tokens in more than one place). */
  verify(token: string): AccessTokenClaims | null {
    try {
      return this.jwt.verify<AccessTokenClaims>(token);
    } catch {
      return null;
    }
  }
}
