import { Body, Controller, Get, HttpCode, Ip, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import type { AuthUser } from './auth-user.js';
import { AuthService, type AuthSession } from './auth.service.js';
import { AuthSessionResponse, CurrentUserResponse } from './auth.view.js';
import { CurrentUser, Public } from './decorators.js';
import { ChangePasswordDto, LoginDto, RefreshTokenDto, SignupDto } from './dto/auth.dto.js';
import { clearRefreshCookie, presentedRefreshToken, setRefreshCookie } from './sessions/refresh-cookie.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('signup')
  @ApiCreatedResponse({ type: AuthSessionResponse, description: 'A new workspace with this user as its admin; sets the `crm_refresh` cookie' })
  @ApiErrorResponses(400, 403, 409, 429)
  async signup(@Ip() address: string, @Body() dto: SignupDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.withCookie(request, response, await this.auth.signup(address, dto));
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthSessionResponse, description: 'Sets the `crm_refresh` cookie' })
  @ApiErrorResponses(400, 401, 429)
  async login(@Ip() address: string, @Body() dto: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.withCookie(request, response, await this.auth.login(address, dto));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthSessionResponse, description: 'Spends the refresh token (cookie or body) and answers its successor' })
  @ApiErrorResponses(400, 401)
  async refreshSession(@Body() dto: RefreshTokenDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.withCookie(request, response, await this.auth.refresh(presentedRefreshToken(request, dto.refreshToken)));
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The refresh token (cookie or body) is revoked and the cookie cleared' })
  @ApiErrorResponses(400)
  async logout(@Body() dto: RefreshTokenDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout(presentedRefreshToken(request, dto.refreshToken));
    clearRefreshCookie(request, response);
  }

  @ApiBearerAuth()
  @Post('password')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthSessionResponse, description: 'A fresh session; every other refresh token of the user is revoked' })
  @ApiErrorResponses(400, 401, 403)
  async changePassword(
    @CurrentUser() actor: AuthUser,
    @Body() dto: ChangePasswordDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.withCookie(request, response, await this.auth.changePassword(actor, dto));
  }

  @ApiBearerAuth()
  @Get('me')
  @ApiOkResponse({ type: CurrentUserResponse })
  @ApiErrorResponses(401)
  me(@CurrentUser() actor: AuthUser) {
    return this.auth.me(actor);
  }

  /** A null refresh token (a repeated refresh within the grace) leaves the cookie as it is. */
  private withCookie(request: Request, response: Response, session: AuthSession): AuthSession {
    if (session.refreshToken) setRefreshCookie(request, response, session.refreshToken, this.auth.refreshTokenTtlSeconds);
    return session;
  }
}
