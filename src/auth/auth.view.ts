import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../users/user.view.js';

/** The answer of signup, login, refresh and password change: the tokens and who they belong to. */
export class AuthSessionResponse {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Lifetime of the access token in seconds', example: 3600 })
  expiresIn!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Opaque; also set as the `crm_refresh` cookie. Null when a refresh repeated one made within the last 10 s',
  })
  refreshToken!: string | null;

  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}

export class CurrentUserResponse {
  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}
