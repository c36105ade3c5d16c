import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { toUserView, type UserView } from '../users/user.view.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkspaceEntity } from '../workspaces/entities/workspace.entity.js';
import { ActorCache } from './actor-cache.js';
import type { AuthUser } from './auth-user.js';
import type { ChangePasswordDto, LoginDto, SignupDto } from './dto/auth.dto.js';
import { LoginAttempts } from './login-attempts.js';
import { hashPassword, verifyPassword } from './password-hasher.js';
import { RefreshTokensService } from './sessions/refresh-tokens.service.js';
import { TokenService, type IssuedToken } from './token.service.js';
import { ConflictError, ForbiddenError, UnauthenticatedError } from '../common/errors/domain-errors.js';
import type { UserEntity } from '../users/entities/user.entity.js';

/** What signup, login, refresh and password change answer (the refresh token also goes into the cookie). */
export type AuthSession = IssuedToken & { refreshToken: string | null; user: UserView };

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttempts,
    private readonly refreshTokens: RefreshTokensService,
    private readonly transactions: TransactionRunner,
    private readonly actors: ActorCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async signup(address: string, dto: SignupDto): Promise<AuthSession> {
    if (!this.config.allowSignup) throw new ForbiddenError('Signup is disabled on this installation');
    this.attempts.assertAllowed(address);
    this.attempts.recordFailure(address); // every signup counts toward the address limit
    const passwordHash = await hashPassword(dto.password);
    const user = await this.transactions.run(async ({ manager }) => {
      if (await this.users.emailTaken(dto.email, manager)) throw new ConflictError('Email is already registered');
      const workspace = await manager.getRepository(WorkspaceEntity).save({ name: dto.workspaceName.trim() });
      return this.users.insert(
        { workspaceId: workspace.id, email: dto.email.trim(), name: dto.name.trim(), role: 'admin', passwordHash },
        manager,
      );
    });
    return this.newSession(user);
  }

  async login(address: string, dto: LoginDto): Promise<AuthSession> {
    const email = dto.email.trim().toLowerCase();
    this.attempts.assertAllowed(address, email);
    const user = await this.users.getByEmailWithPassword(email);
    // Hash even for unknown emails so the answer time does not reveal which emails exist.
    const valid = user ? await verifyPassword(dto.password, user.passwordHash) : await hashPassword(dto.password).then(() => false);
    if (!user || !valid) {
      this.attempts.recordFailure(address, email);
      throw new UnauthenticatedError('Wrong email or password');
    }
    this.attempts.recordSuccess(email);
    return this.newSession(user);
  }

  get refreshTokenTtlSeconds(): number {
    return this.refreshTokens.ttlSeconds;
  }

  /** Rotates the refresh token (see RefreshTokensService.rotate) and issues a new access token. */
  async refresh(token: string | undefined): Promise<AuthSession> {
    const rotation = await this.refreshTokens.rotate(token);
    const user = await this.users.getInWorkspace(rotation.workspaceId, rotation.userId);
    if (!user) throw new UnauthenticatedError('Refresh token is expired, revoked or unknown');
    return { ...this.tokens.issue(user), refreshToken: rotation.refreshToken, user: toUserView(user) };
  }

  logout(token: string | undefined): Promise<void> {
    return this.refreshTokens.revoke(token);
  }

  /** A fresh session for the caller; every other sign-in of theirs is revoked. */
  async changePassword(actor: AuthUser, dto: ChangePasswordDto): Promise<AuthSession> {
    const user = await this.users.getInWorkspaceWithPassword(actor.workspaceId, actor.id);
    if (!user) throw new UnauthenticatedError('User no longer exists');
    if (!(await verifyPassword(dto.currentPassword, user.passwordHash))) throw new ForbiddenError('Current password is wrong');
    const passwordHash = await hashPassword(dto.newPassword);
    const session = await this.transactions.run(async ({ manager }) => {
      const updated = await this.users.update(actor.workspaceId, actor.id, { passwordHash }, manager);
      await this.refreshTokens.revokeAllOfUser(actor.workspaceId, actor.id, manager);
      return this.newSession(updated, manager);
    });
    this.actors.invalidate(actor.id);
    return session;
  }

  me(actor: AuthUser): { user: UserView } {
    return {
      user: { id: actor.id, email: actor.email, name: actor.name, role: actor.role, workspaceId: actor.workspaceId },
    };
  }

  private async newSession(user: UserEntity, manager?: EntityManager): Promise<AuthSession> {
    const refreshToken = await this.refreshTokens.start(user, manager);
    return { ...this.tokens.issue(user), refreshToken, user: toUserView(user) };
  }
}
