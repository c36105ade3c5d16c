import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { ActorCache } from './actor-cache.js';
import { ActorLoader } from './actor-loader.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtAuthGuard, RolesGuard } from './guards.js';
import { jwtKey, JwtStrategy } from './jwt.strategy.js';
import { LoginAttempts } from './login-attempts.js';
import { SeedAdminService } from './seed-admin.service.js';
import { RefreshTokenPrunerService } from './sessions/refresh-token-pruner.service.js';
import { RefreshTokensService } from './sessions/refresh-tokens.service.js';
import { TokenService } from './token.service.js';

@Global()
@Module({
  imports: [
    UsersModule,
    // The relay: user changes committed on any instance drop cached actors.
    RealtimeModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a PEM public key on
      // every verify, which costs more than the HMAC itself.
      useFactory: (config: AppConfig) => ({
        privateKey: jwtKey(config),
        publicKey: jwtKey(config),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    ActorCache,
    ActorLoader,
    JwtStrategy,
    LoginAttempts,
    SeedAdminService,
    RefreshTokensService,
    RefreshTokenPrunerService,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [TokenService, ActorCache, ActorLoader, UsersModule],
})
export class AuthModule {}
