import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AccountEntity } from '../accounts/account.entity';
import { BasicAuthGuard } from '../accounts/basic-auth.guard';
import { CurrentAccount } from '../accounts/current-account.decorator';
import { formatSuffix } from '../common/api-format';
import { RestcommExceptionFilter } from '../common/restcomm-exception.filter';
import { sendRestcomm } from '../common/restcomm-response';
import { sendRestcommPage } from '../common/paging';
import { parseCallListQuery, queryStringOf } from './call-list-query';
import { callListPageMeta } from './call-listing.service';
import { CallsService } from './calls.service';
import { restcommCallRequest } from './outbound-call-request';
import { callsUri, toCallResponse } from './dto/call-response.dto';
import { CreateCallDto } from './dto/create-call.dto';
import { ModifyCallDto } from './dto/modify-call.dto';

/** RestComm 2012-04-24 Calls resource; `/restcomm` and `.json` spellings are normalised before routing. */
@Controller('2012-04-24/Accounts/:accountSid/Calls')
@UseGuards(BasicAuthGuard)
@UseFilters(RestcommExceptionFilter)
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post()
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: CreateCallDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const call = await this.calls.create(account, restcommCallRequest(body));
    sendRestcomm(req, res, HttpStatus.CREATED, 'Call', toCallResponse(call, formatSuffix(req)));
  }

  /** Filters and paging are parsed from the raw query string: `StartTime>=` and friends are no DTO keys. */
  @Get()
  async list(@CurrentAccount() account: AccountEntity, @Req() req: Request, @Res() res: Response) {
    const query = parseCallListQuery(queryStringOf(req.originalUrl));
    const result = await this.calls.list(account, query);
    const suffix = formatSuffix(req);
    const meta = callListPageMeta(callsUri(account.sid) + suffix, query, result);
    const items = result.calls.map((call) => toCallResponse(call, suffix));
    sendRestcommPage(req, res, { json: 'calls', xmlList: 'Calls', xmlItem: 'Call' }, meta, items);
  }

  @Get(':callSid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const call = await this.calls.get(account, callSid);
    sendRestcomm(req, res, HttpStatus.OK, 'Call', toCallResponse(call, formatSuffix(req)));
  }

  @Post(':callSid')
  async modify(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Body() body: ModifyCallDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const call = await this.calls.modify(account, callSid, body);
    sendRestcomm(req, res, HttpStatus.OK, 'Call', toCallResponse(call, formatSuffix(req)));
  }
}
