import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity, type UserRole } from './entities/user.entity.js';

export interface NewUser {
  workspaceId: string;
  email: string;
  name: string;
  role: UserRole;
  passwordHash: string;
}

/** Every query on users. Lookups outside login are always scoped by workspace. */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(UserEntity);
  }

  async insert(user: NewUser, manager?: EntityManager): Promise<UserEntity> {
    const saved = await this.repo(manager).save(this.repo(manager).create(user));
    return this.repo(manager).findOneByOrFail({ id: saved.id });
  }

  getByEmailWithPassword(email: string): Promise<UserEntity | null> {
    return this.repo()
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('lower(user.email) = lower(:email)', { email })
      .getOne();
  }

  emailTaken(email: string, manager?: EntityManager): Promise<boolean> {
    return this.repo(manager).createQueryBuilder('user').where('lower(user.email) = lower(:email)', { email }).getExists();
  }

  /** Across workspaces, for authentication only: a verified access token or stream ticket names the user. */
  getById(id: string): Promise<UserEntity | null> {
    return this.repo().findOneBy({ id });
  }

  /** The user with their password hash, to check a password they present. */
  getInWorkspaceWithPassword(workspaceId: string, id: string): Promise<UserEntity | null> {
    return this.repo()
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.workspace_id = :workspaceId AND user.id = :id', { workspaceId, id })
      .getOne();
  }

  getInWorkspace(workspaceId: string, id: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOneBy({ workspaceId, id });
  }

  listInWorkspace(workspaceId: string): Promise<UserEntity[]> {
    return this.repo().find({ where: { workspaceId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** How many of these ids are users of the workspace (to validate references such as members or assignees). */
  countInWorkspace(workspaceId: string, ids: string[], manager?: EntityManager): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.repo(manager)
      .createQueryBuilder('user')
      .where('user.workspace_id = :workspaceId AND user.id IN (:...ids)', { workspaceId, ids })
      .getCount();
  }

  async update(
    workspaceId: string,
    id: string,
    changes: Partial<Pick<UserEntity, 'name' | 'role' | 'passwordHash'>>,
    manager: EntityManager,
  ): Promise<UserEntity> {
    await this.repo(manager).update({ id, workspaceId }, changes);
    return this.repo(manager).findOneByOrFail({ id, workspaceId });
  }

  async delete(workspaceId: string, id: string, manager: EntityManager): Promise<void> {
    await this.repo(manager).delete({ id, workspaceId });
  }

  anyExists(): Promise<boolean> {
    return this.repo().exists();
  }
}
