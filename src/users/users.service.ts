import { Injectable } from '@nestjs/common';
import { ActorCache } from '../auth/actor-cache.js';
import type { AuthUser } from '../auth/auth-user.js';
import { workspaceScope } from '../common/domain-events.js';
import { hashPassword } from '../auth/password-hasher.js';
import { RefreshTokensRepository } from '../auth/sessions/refresh-tokens.repository.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import { toUserView, type UserView } from './user.view.js';
import { UsersRepository } from './users.repository.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../common/errors/domain-errors.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly transactions: TransactionRunner,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly actors: ActorCache,
  ) {}

  async createUser(actor: AuthUser, dto: CreateUserDto): Promise<UserView> {
    const passwordHash = await hashPassword(dto.password);
    return this.transactions.run(async (tx) => {
      if (await this.users.emailTaken(dto.email, tx.manager)) throw new ConflictError('Email is already registered');
      const user = toUserView(
        await this.users.insert(
          { workspaceId: actor.workspaceId, email: dto.email.trim(), name: dto.name.trim(), role: dto.role, passwordHash },
          tx.manager,
        ),
      );
      tx.emit('user.created', workspaceScope(actor.workspaceId), user);
      return user;
    });
  }

  async listUsers(actor: AuthUser): Promise<UserView[]> {
    return (await this.users.listInWorkspace(actor.workspaceId)).map(toUserView);
  }

  async getUser(actor: AuthUser, id: string): Promise<UserView> {
    const user = await this.users.getInWorkspace(actor.workspaceId, id);
    if (!user) throw new NotFoundError('User not found');
    return toUserView(user);
  }

  /** A change of name, role or password emits `user_updated` (admins only). A role change takes effect on the user's open streams at once (they are closed; the client reconnects). */
  async updateUser(actor: AuthUser, id: string, dto: UpdateUserDto): Promise<UserView> {
    const passwordHash = dto.password === undefined ? undefined : await hashPassword(dto.password);
    const view = await this.transactions.run(async (tx) => {
      const user = await this.users.getInWorkspace(actor.workspaceId, id, tx.manager);
      if (!user) throw new NotFoundError('User not found');
      if (dto.role === 'agent' && user.id === actor.id) {
        throw new UnprocessableError('An admin cannot demote themselves');
      }
      const changes = { name: dto.name?.trim() ?? user.name, role: dto.role ?? user.role, ...(passwordHash ? { passwordHash } : {}) };
      const updated = await this.users.update(actor.workspaceId, id, changes, tx.manager);
      // A new password ends every sign-in of the user: whoever knew the old one keeps no session.
      if (passwordHash) await this.refreshTokens.revokeAllOfUser(actor.workspaceId, id, tx.manager);
      const view = toUserView(updated);
      tx.emit('user.updated', workspaceScope(actor.workspaceId), view);
      if (updated.role !== user.role) {
        tx.emit('access.changed', workspaceScope(actor.workspaceId), { kind: 'user_changed', userId: id });
      }
      return view;
    });
    // Here at once, before the answer (other instances drop it when the relay brings `user_updated`).
    this.actors.invalidate(id);
    return view;
  }

  async deleteUser(actor: AuthUser, id: string): Promise<void> {
    if (id === actor.id) throw new UnprocessableError('An admin cannot delete themselves');
    await this.transactions.run(async (tx) => {
      const user = await this.users.getInWorkspace(actor.workspaceId, id, tx.manager);
      if (!user) throw new NotFoundError('User not found');
      await this.users.delete(actor.workspaceId, id, tx.manager);
      tx.emit('user.deleted', workspaceScope(actor.workspaceId), { id });
      tx.emit('access.changed', workspaceScope(actor.workspaceId), { kind: 'user_changed', userId: id });
    });
    this.actors.invalidate(id);
  }
}

/** User events are workspace-wide; they are admin-only by type (ADMIN_ONLY_EVENT_TYPES). */
