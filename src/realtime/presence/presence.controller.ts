import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/decorators.js';
import { ApiErrorResponses } from '../../openapi/api-error-responses.decorator.js';
import { PresenceService } from './presence.service.js';

export class PresenceItemResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ enum: ['online', 'away', 'offline'], enumName: 'PresenceStatus' })
  status!: 'online' | 'away' | 'offline';

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Since when; null for a user never online' })
  since!: string | null;
}

export class PresenceListResponse {
  @ApiProperty({ type: [PresenceItemResponse] })
  items!: PresenceItemResponse[];
}

@ApiTags('realtime')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('presence')
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Get()
  @ApiOperation({ summary: 'Presence of every user of the workspace' })
  @ApiOkResponse({ type: PresenceListResponse })
  listPresence(@CurrentUser() actor: AuthUser) {
    return this.presence.list(actor);
  }

  @Post('activity')
  @HttpCode(204)
  @ApiOperation({ summary: 'The caller is active (keeps them online while their streams are open)' })
  @ApiNoContentResponse({ description: 'Recorded' })
  reportPresenceActivity(@CurrentUser() actor: AuthUser): void {
    this.presence.touch(actor);
  }
}
