import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { MediaServingService } from './media-serving.service.js';

@ApiTags('media')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('media')
export class MediaController {
  constructor(private readonly serving: MediaServingService) {}

  @Get(':id')
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description: 'The bytes (206 for a Range, 304 for a matching If-None-Match)',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiErrorResponses(400, 404)
  async getMedia(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.serving.serve(actor, id, request, response);
  }
}
