import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../users/user.view.js';

/** The answer of signup and login: an access token and who it belongs to. */
export class AuthSessionResponse {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Lifetime of the access token in seconds', example: 3600 })
  expiresIn!: number;

  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}

export class CurrentUserResponse {
  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}
