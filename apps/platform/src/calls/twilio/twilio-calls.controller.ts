import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import type { AccountEntity } from '../../accounts/account.entity';
import { BasicAuthGuard } from '../../accounts/basic-auth.guard';
import { CurrentAccount } from '../../accounts/current-account.decorator';
import { queryStringOf } from '../call-list-query';
import { CallsService } from '../calls.service';
import { TwilioCreateCallDto } from '../dto/twilio-create-call.dto';
import { TwilioModifyCallDto } from '../dto/twilio-modify-call.dto';
import { twilioCallRequest } from './twilio-call-request';
import { parseTwilioCallListQuery, toTwilioCallPage, type TwilioCallPage } from './twilio-call-list';
import { toTwilioCallResponse, twilioCallsUri, type TwilioCallResponseDto } from './twilio-call-response.dto';
import { TwilioExceptionFilter } from './twilio-exception.filter';
import { ApplicationsService } from '../../applications/applications.service';
import { DomainError, DomainErrorCode } from '../../common/domain-error';

/**
 * Twilio 2010-04-01 Calls resource, JSON only. The path middleware strips the `.json` suffix the
 * SDKs always send, so `/Calls.json` and `/Calls/{sid}.json` route here.
 */
@Controller('2010-04-01/Accounts/:accountSid/Calls')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioCallsController {
  constructor(
    private readonly calls: CallsService,
    private readonly applications: ApplicationsService,
  ) {}

  /** Every parameter Twilio documents (see TwilioCreateCallDto and README, Twilio Calls parameters). */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: TwilioCreateCallDto,
  ): Promise<TwilioCallResponseDto> {
    const application = body.ApplicationSid
      ? await this.applications.find(account.sid, body.ApplicationSid)
      : null;
    if (body.ApplicationSid && !application)
      throw new DomainError(
        DomainErrorCode.InvalidParameter,
        `The 'ApplicationSid' parameter names no Application of this account: ${body.ApplicationSid}`,
      );
    return toTwilioCallResponse(await this.calls.create(account, twilioCallRequest(body, application)));
  }

  /** Filters and paging come from the raw query string: `StartTime<` and friends are no DTO keys. */
  @Get()
  async list(@CurrentAccount() account: AccountEntity, @Req() req: Request): Promise<TwilioCallPage> {
    const query = parseTwilioCallListQuery(queryStringOf(req.originalUrl));
    const result = await this.calls.list(account, query);
    return toTwilioCallPage(twilioCallsUri(account.sid) + '.json', query, result);
  }

  @Get(':callSid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
  ): Promise<TwilioCallResponseDto> {
    return toTwilioCallResponse(await this.calls.get(account, callSid));
  }

  @Post(':callSid')
  @HttpCode(HttpStatus.OK)
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Body() body: TwilioModifyCallDto,
  ): Promise<TwilioCallResponseDto> {
    return toTwilioCallResponse(await this.calls.modify(account, callSid, body));
  }

  /** Deletes a finished call's record (204); a live call answers 400 with code 21220. */
  @Delete(':callSid')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentAccount() account: AccountEntity, @Param('callSid') callSid: string): Promise<void> {
    await this.calls.remove(account, callSid);
  }
}
