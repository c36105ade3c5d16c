import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ActorLoader } from './actor-loader.js';
import type { AccessTokenClaims, AuthUser } from './auth-user.js';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly actors: ActorLoader,
  ) {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: config.jwtSecret, ignoreExpiration: false });
  }

  async validate(claims: AccessTokenClaims): Promise<AuthUser> {
    const actor = await this.actors.load(claims);
    if (!actor) throw new UnauthorizedException();
    return actor;
  }
}
