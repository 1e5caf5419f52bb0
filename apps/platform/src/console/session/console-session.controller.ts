import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { ConsoleExceptionFilter } from '../console-errors';
import { ConsoleSessionDto, SignInDto, SwitchAccountDto, toConsoleSession } from '../dto/session.dto';
import { CONSOLE_COOKIE, ConsoleSessionGuard } from './console-session.guard';
import { ActiveSession, ConsoleSessionsService } from './console-sessions.service';

/** Secure when the request came over HTTPS (directly, or through a proxy that says so). */
function isHttps(req: Request): boolean {
  return req.secure || req.headers['x-forwarded-proto'] === 'https';
}

function sessionCookie(req: Request, value: string, maxAgeSeconds: number): string {
  const secure = isHttps(req) ? '; Secure' : '';
  return `${CONSOLE_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** Sign-in, who-am-I, sign-out and the switch into a subaccount. */
@Controller('console/api/session')
@UseFilters(ConsoleExceptionFilter)
export class ConsoleSessionController {
  constructor(private readonly sessions: ConsoleSessionsService) {}

  @Post()
  @HttpCode(201)
  async signIn(
    @Body() body: SignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConsoleSessionDto> {
    const byToken = body.accountSid !== undefined || body.authToken !== undefined;
    const byKey = body.apiKeySid !== undefined || body.apiKeySecret !== undefined;
    if (byToken === byKey)
      throw new DomainError(
        DomainErrorCode.InvalidParameter,
        'Give either accountSid and authToken, or apiKeySid and apiKeySecret',
      );
    const user = byToken ? body.accountSid : body.apiKeySid;
    const password = byToken ? body.authToken : body.apiKeySecret;
    if (!user || !password)
      throw new DomainError(
        DomainErrorCode.InvalidParameter,
        byToken
          ? 'accountSid and authToken are both required'
          : 'apiKeySid and apiKeySecret are both required',
      );
    const { id, session } = await this.sessions.signIn({ user, password });
    res.setHeader('Set-Cookie', sessionCookie(req, id, Math.floor(this.sessions.lifetimeMs / 1000)));
    res.setHeader('Cache-Control', 'no-store');
    return this.view(session);
  }

  @Get()
  @UseGuards(ConsoleSessionGuard)
  async whoAmI(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<ConsoleSessionDto> {
    res.setHeader('Cache-Control', 'no-store');
    return this.view(req.consoleSession!);
  }

  @Delete()
  @HttpCode(204)
  @UseGuards(ConsoleSessionGuard)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.signOut(req.consoleSession!);
    res.setHeader('Set-Cookie', sessionCookie(req, '', 0));
  }

  @Post('account')
  @HttpCode(200)
  @UseGuards(ConsoleSessionGuard)
  async switchAccount(@Body() body: SwitchAccountDto, @Req() req: Request): Promise<ConsoleSessionDto> {
    return this.view(await this.sessions.switchAccount(req.consoleSession!, body.accountSid));
  }

  private async view(session: ActiveSession): Promise<ConsoleSessionDto> {
    return toConsoleSession(session, await this.sessions.subaccounts(session.user));
  }
}
