import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { AuthSessionResponse, CurrentUserResponse } from './auth.view.js';
import { CurrentUser, Public } from './decorators.js';
import { LoginDto, SignupDto } from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('signup')
  @ApiCreatedResponse({ type: AuthSessionResponse, description: 'A new workspace with this user as its admin' })
  @ApiErrorResponses(400, 403, 409, 429)
  signup(@Ip() address: string, @Body() dto: SignupDto) {
    return this.auth.signup(address, dto);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthSessionResponse })
  @ApiErrorResponses(400, 401, 429)
  login(@Ip() address: string, @Body() dto: LoginDto) {
    return this.auth.login(address, dto);
  }

  @ApiBearerAuth()
  @Get('me')
  @ApiOkResponse({ type: CurrentUserResponse })
  @ApiErrorResponses(401)
  me(@CurrentUser() actor: AuthUser) {
    return this.auth.me(actor);
  }
}
