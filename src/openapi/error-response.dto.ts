import { ApiProperty } from '@nestjs/swagger';

/** Every error answer, in Nest's shape (docs/api.md); written by common/http-exception.filter.ts. */
export class ErrorResponse {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({
    description: 'What went wrong; validation failures list every problem',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  })
  message!: string | string[];
}
