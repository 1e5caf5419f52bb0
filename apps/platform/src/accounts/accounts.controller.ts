import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { formatSuffix } from '../common/api-format';
import { pageMeta, sendRestcommPage } from '../common/paging';
import { RestcommExceptionFilter } from '../common/restcomm-exception.filter';
import { sendRestcomm } from '../common/restcomm-response';
import type { AccountEntity } from './account.entity';
import { AccountsService } from './accounts.service';
import { assertMayCreateAccounts, assertMayUpdate } from './account-permissions';
import { AuthTokenCredentialGuard, BasicAuthGuard } from './basic-auth.guard';
import { CurrentAccount } from './current-account.decorator';
import { CreateAccountDto, limitChanges, ListAccountsQueryDto, UpdateAccountDto } from './dto/account-fields';
import { restcommAccountsUri, toRestcommAccountResponse } from './dto/account-response.dto';

const XML_NAME = 'Account';

/**
 * RestComm 2012-04-24 Accounts. The guard has already mapped `:accountSid` to the credentials'
 * account or one of its subaccounts (404 otherwise), so `CurrentAccount` is the target.
 */
@Controller('2012-04-24/Accounts')
@UseGuards(BasicAuthGuard, AuthTokenCredentialGuard)
@UseFilters(RestcommExceptionFilter)
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  async create(@Body() body: CreateAccountDto, @Req() req: Request, @Res() res: Response) {
    const actor = req.credential!.account;
    assertMayCreateAccounts(actor);
    const account = await this.accounts.createSubaccount(actor, body.FriendlyName);
    sendRestcomm(
      req,
      res,
      HttpStatus.CREATED,
      XML_NAME,
      toRestcommAccountResponse(account, formatSuffix(req)),
    );
  }

  @Get()
  async list(@Query() query: ListAccountsQueryDto, @Req() req: Request, @Res() res: Response) {
    const result = await this.accounts.listFamily(req.credential!.account, query.Page, query.PageSize, {
      friendlyName: query.FriendlyName,
      status: query.Status,
    });
    const suffix = formatSuffix(req);
    const meta = pageMeta(
      restcommAccountsUri() + suffix,
      result.total,
      result.items.length,
      query.Page,
      query.PageSize,
    );
    const items = result.items.map((account) => toRestcommAccountResponse(account, suffix));
    sendRestcommPage(req, res, { json: 'accounts', xmlList: 'Accounts', xmlItem: XML_NAME }, meta, items);
  }

  @Get(':accountSid')
  fetch(@CurrentAccount() account: AccountEntity, @Req() req: Request, @Res() res: Response) {
    sendRestcomm(req, res, HttpStatus.OK, XML_NAME, toRestcommAccountResponse(account, formatSuffix(req)));
  }

  @Post(':accountSid')
  async update(
    @CurrentAccount() account: AccountEntity,
    @Body() body: UpdateAccountDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    assertMayUpdate(req.credential!.account, account);
    const saved = await this.accounts.update(account, {
      friendlyName: body.FriendlyName,
      status: body.Status,
      limits: limitChanges(body),
      sipDomain: body.SipDomain,
      enforceMediaAuth: body.EnforceMediaAuth,
    });
    sendRestcomm(req, res, HttpStatus.OK, XML_NAME, toRestcommAccountResponse(saved, formatSuffix(req)));
  }
}
