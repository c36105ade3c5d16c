import { Controller, HttpCode, PayloadTooLargeException, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiCreatedResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ValidationError } from '../common/errors/domain-errors.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { mediaUrl, type MediaRecord } from './media.record.js';
import { MediaService, MediaTooLargeError } from './media.service.js';
import type { MediaType } from './media-type.js';

export class UploadResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['image', 'video', 'audio', 'file', 'sticker'] })
  type!: MediaType;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  mimeType!: string;

  @ApiProperty()
  size!: number;

  @ApiProperty({ example: '/api/media/00000000-0000-0000-0000-000000000000' })
  url!: string;
}

function toUploadResponse(record: MediaRecord): UploadResponse {
  return { id: record.id, type: record.type, name: record.name, mimeType: record.mimeType, size: record.size, url: mediaUrl(record.id) };
}

/** Reads the multipart body with busboy, streaming the `file` field into the media store. */
@ApiTags('media')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('uploads')
export class UploadsController {
  constructor(private readonly media: MediaService) {}

  @Post()
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiCreatedResponse({ type: UploadResponse })
  @ApiErrorResponses(400, 413)
  async createUpload(@CurrentUser() actor: AuthUser, @Req() request: Request): Promise<UploadResponse> {
    try {
      const record = await this.receive(actor, request);
      return toUploadResponse(record);
    } catch (error) {
      if (error instanceof MediaTooLargeError) throw new PayloadTooLargeException(`File is larger than ${error.limit} bytes`);
      throw error;
    }
  }

  private receive(actor: AuthUser, request: Request): Promise<MediaRecord> {
    if (!request.is('multipart/form-data')) return Promise.reject(new ValidationError('expected multipart/form-data with a "file" field'));
    return new Promise<MediaRecord>((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: request.headers, limits: { files: 1, fields: 20, fieldSize: 1024 } });
      } catch {
        reject(new ValidationError('malformed multipart body'));
        return;
      }
      let stored: Promise<MediaRecord> | undefined;
      parser.on('file', (field: string, file: Readable, info: busboy.FileInfo) => {
        if (field !== 'file' || stored) {
          file.resume();
          return;
        }
        stored = this.media.store(file, { workspaceId: actor.workspaceId, kind: 'upload', name: info.filename ?? '', uploaderUserId: actor.id });
        // A failed store (too large, unsupported) answers at once; the rest of the body is drained, not kept.
        stored.catch((error: unknown) => {
          request.unpipe(parser);
          request.resume();
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      });
      parser.on('error', () => reject(new ValidationError('malformed multipart body')));
      parser.on('close', () => {
        if (!stored) reject(new ValidationError('the "file" field is required'));
        else stored.then(resolve, reject);
      });
      request.pipe(parser);
    });
  }
}
