import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/**
 * The list answer (docs/api.md) `{items, nextCursor}` for one item class. Extend it to give the page its schema
 * name: `export class ChannelPageResponse extends PageResponse(ChannelResponse) {}`.
 */
export function PageResponse<T>(item: Type<T>) {
  class Page {
    @ApiProperty({ type: [item] })
    items!: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
    nextCursor!: string | null;
  }
  return Page;
}
