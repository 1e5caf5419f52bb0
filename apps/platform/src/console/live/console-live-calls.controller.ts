import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AccountEntity } from '../../accounts/account.entity';
import { CurrentAccount } from '../../accounts/current-account.decorator';
import type { SupervisionView } from '../../call-control/supervision/supervisions';
import { ConsoleExceptionFilter } from '../console-errors';
import { PhoneTargetDto, RedirectDto } from '../dto/live-call-actions.dto';
import { ConsoleSessionGuard } from '../session/console-session.guard';
import { ConsoleLiveCallsService } from './console-live-calls.service';
import type { LiveCallDto } from './live-call-view';
import { LiveCallStream } from './live-call-stream';

type ActionResult = { call: LiveCallDto | null };

@Controller('console/api/live-calls')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleLiveCallsController {
  constructor(
    private readonly live: ConsoleLiveCallsService,
    private readonly stream: LiveCallStream,
  ) {}

  @Get()
  async list(@CurrentAccount() account: AccountEntity): Promise<{ calls: LiveCallDto[] }> {
    return { calls: await this.live.list(account) };
  }

  /** Server-sent events of the account's calls, until the browser goes away. */
  @Get('stream')
  open(@CurrentAccount() account: AccountEntity, @Req() req: Request, @Res() res: Response): void {
    this.stream.connect(account.sid, req, res);
  }

  @Post(':callSid/hangup')
  @HttpCode(200)
  async hangup(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
  ): Promise<ActionResult> {
    return { call: await this.live.hangup(account, callSid) };
  }

  @Post(':callSid/redirect')
  @HttpCode(200)
  async redirect(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Body() body: RedirectDto,
  ): Promise<ActionResult> {
    return { call: await this.live.redirect(account, callSid, body.url, body.method ?? 'POST') };
  }

  @Post(':callSid/hold')
  @HttpCode(200)
  async hold(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
  ): Promise<ActionResult> {
    return { call: await this.live.hold(account, callSid, true) };
  }

  @Post(':callSid/unhold')
  @HttpCode(200)
  async unhold(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
  ): Promise<ActionResult> {
    return { call: await this.live.hold(account, callSid, false) };
  }

  @Post(':callSid/transfer')
  @HttpCode(200)
  async transfer(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Body() body: PhoneTargetDto,
  ): Promise<ActionResult> {
    return { call: await this.live.transfer(account, callSid, body.to) };
  }

  @Post(':callSid/listen')
  @HttpCode(200)
  async listen(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Body() body: PhoneTargetDto,
  ): Promise<{ supervision: SupervisionView }> {
    return { supervision: await this.live.listen(account, callSid, body.to) };
  }
}
