import { ApiProperty } from '@nestjs/swagger';
import { PageResponse } from '../openapi/page-response.dto.js';
import { USER_ROLES, type UserEntity, type UserRole } from './entities/user.entity.js';

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'email' })
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: USER_ROLES, enumName: 'UserRole' })
  role!: UserRole;

  @ApiProperty({ format: 'uuid' })
  workspaceId!: string;
}

export class UserPageResponse extends PageResponse(UserResponse) {}

/** The name the services use. */
export type UserView = UserResponse;

export function toUserView(user: UserEntity): UserView {
  return { id: user.id, email: user.email, name: user.name, role: user.role, workspaceId: user.workspaceId };
}
