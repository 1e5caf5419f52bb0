import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import { TwilioExceptionFilter } from '../common/twilio-exception.filter';
import { twilioPageMeta, type TwilioPageMeta } from '../common/twilio-page';
import type { AccountEntity } from './account.entity';
import { assertMayCreateAccounts, assertMayUpdate } from './account-permissions';
import { AccountsService } from './accounts.service';
import { AuthTokenCredentialGuard, BasicAuthGuard } from './basic-auth.guard';
import { CurrentAccount } from './current-account.decorator';
import { CreateAccountDto, limitChanges, ListAccountsQueryDto, UpdateAccountDto } from './dto/account-fields';
import {
  toTwilioAccountResponse,
  twilioAccountsUri,
  type TwilioAccountResponseDto,
} from './dto/account-response.dto';

/** Twilio 2010-04-01 Accounts (`/Accounts.json`, `/Accounts/{sid}.json`), JSON only. */
@Controller('2010-04-01/Accounts')
@UseGuards(BasicAuthGuard, AuthTokenCredentialGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioAccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  async create(@Body() body: CreateAccountDto, @Req() req: Request): Promise<TwilioAccountResponseDto> {
    const actor = req.credential!.account;
    assertMayCreateAccounts(actor);
    return toTwilioAccountResponse(await this.accounts.createSubaccount(actor, body.FriendlyName));
  }

  @Get()
  async list(
    @Query() query: ListAccountsQueryDto,
    @Req() req: Request,
  ): Promise<TwilioPageMeta & { accounts: TwilioAccountResponseDto[] }> {
    const result = await this.accounts.listFamily(req.credential!.account, query.Page, query.PageSize, {
      friendlyName: query.FriendlyName,
      status: query.Status,
    });
    const meta = twilioPageMeta(`${twilioAccountsUri()}.json`, query, result.items.length, result.total, {
      FriendlyName: query.FriendlyName,
      Status: query.Status,
    });
    return { ...meta, accounts: result.items.map(toTwilioAccountResponse) };
  }

  @Get(':accountSid')
  fetch(@CurrentAccount() account: AccountEntity): TwilioAccountResponseDto {
    return toTwilioAccountResponse(account);
  }

  @Post(':accountSid')
  @HttpCode(HttpStatus.OK)
  async update(
    @CurrentAccount() account: AccountEntity,
    @Body() body: UpdateAccountDto,
    @Req() req: Request,
  ): Promise<TwilioAccountResponseDto> {
    assertMayUpdate(req.credential!.account, account);
    const saved = await this.accounts.update(account, {
      friendlyName: body.FriendlyName,
      status: body.Status,
      limits: limitChanges(body),
      sipDomain: body.SipDomain,
      enforceMediaAuth: body.EnforceMediaAuth,
    });
    return toTwilioAccountResponse(saved);
  }
}
