import { ApiProperty } from '@nestjs/swagger';

/** What a platform gets for every accepted delivery (also unknown channels and redeliveries). */
export class WebhookReceivedResponse {
  @ApiProperty({ enum: [true] })
  received!: true;
}
