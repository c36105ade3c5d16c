import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { toUserView, type UserView } from '../users/user.view.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkspaceEntity } from '../workspaces/entities/workspace.entity.js';
import type { AuthUser } from './auth-user.js';
import type { LoginDto, SignupDto } from './dto/auth.dto.js';
import { LoginAttempts } from './login-attempts.js';
import { hashPassword, verifyPassword } from './password-hasher.js';
import { TokenService, type IssuedToken } from './token.service.js';
import { ConflictError, ForbiddenError, UnauthenticatedError } from '../common/errors/domain-errors.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttempts,
    private readonly transactions: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async signup(address: string, dto: SignupDto): Promise<IssuedToken & { user: UserView }> {
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
    return { ...this.tokens.issue(user), user: toUserView(user) };
  }

  async login(address: string, dto: LoginDto): Promise<IssuedToken & { user: UserView }> {
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
    return { ...this.tokens.issue(user), user: toUserView(user) };
  }

  me(actor: AuthUser): { user: UserView } {
    return {
      user: { id: actor.id, email: actor.email, name: actor.name, role: actor.role, workspaceId: actor.workspaceId },
    };
  }
}
