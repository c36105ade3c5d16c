import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { CurrentUser, Public } from './decorators.js';
import { LoginDto, SignupDto } from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('signup')
  signup(@Ip() address: string, @Body() dto: SignupDto) {
    return this.auth.signup(address, dto);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Ip() address: string, @Body() dto: LoginDto) {
    return this.auth.login(address, dto);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() actor: AuthUser) {
    return this.auth.me(actor);
  }
}
