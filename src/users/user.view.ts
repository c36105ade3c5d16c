import type { UserEntity, UserRole } from './entities/user.entity.js';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  workspaceId: string;
}

export function toUserView(user: UserEntity): UserView {
  return { id: user.id, email: user.email, name: user.name, role: user.role, workspaceId: user.workspaceId };
}
