import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { ActivityService } from './activity.service.js';
import { ReportActivityDto } from './dto/report-activity.dto.js';

@ApiTags('conversations')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('conversations')
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Post(':id/activity')
  @HttpCode(204)
  @ApiOperation({ summary: 'Report viewing / typing / idle; other agents who see the conversation get agent_activity' })
  @ApiNoContentResponse({ description: 'Reported' })
  @ApiErrorResponses(400, 404, 429)
  async reportActivity(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReportActivityDto): Promise<void> {
    await this.activity.report(actor, id, dto.kind);
  }
}
