import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const MAX_CUSTOMER_NAME_LENGTH = 200;
export const MAX_PHONE_LENGTH = 50;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_NOTES_LENGTH = 10_000;
/** Digits with the usual separators and an optional leading +; no letters. */
const PHONE_PATTERN = /^\+?[0-9()\-.\s]*$/;

/** Every field is optional; null (or a blank string) leaves it empty. */
export class CreateCustomerDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Nguyen Van A', maxLength: MAX_CUSTOMER_NAME_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CUSTOMER_NAME_LENGTH)
  name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+84 912 345 678', maxLength: MAX_PHONE_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PHONE_LENGTH)
  @Matches(PHONE_PATTERN, { message: 'phone may contain only digits, spaces, + ( ) - and .' })
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'customer@example.com', maxLength: MAX_EMAIL_LENGTH })
  @IsOptional()
  @IsEmail()
  @MaxLength(MAX_EMAIL_LENGTH)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX_NOTES_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES_LENGTH)
  notes?: string | null;
}
