import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AccountEntity } from '../accounts/account.entity';
import { BasicAuthGuard } from '../accounts/basic-auth.guard';
import { CurrentAccount } from '../accounts/current-account.decorator';
import { negotiateFormat } from '../common/api-format';
import { RestcommExceptionFilter } from '../common/restcomm-exception.filter';
import { sendRestcomm } from '../common/restcomm-response';
import { pageMeta, sendRestcommPage } from '../common/paging';
import { CallsService } from './calls.service';
import { callsUri, toCallResponse } from './dto/call-response.dto';
import { CreateCallDto } from './dto/create-call.dto';
import { ListCallsQueryDto } from './dto/list-calls-query.dto';
import { ModifyCallDto } from './dto/modify-call.dto';

const suffixFor = (req: Request) => (negotiateFormat(req) === 'json' ? '.json' : '');

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
    const call = await this.calls.create(account, body);
    sendRestcomm(req, res, HttpStatus.CREATED, 'Call', toCallResponse(call, suffixFor(req)));
  }

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: ListCallsQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const result = await this.calls.list(account, query.Page, query.PageSize, {
      parentCallSid: query.ParentCallSid,
    });
    const suffix = suffixFor(req);
    const meta = pageMeta(
      callsUri(account.sid) + suffix,
      result.total,
      result.calls.length,
      query.Page,
      query.PageSize,
    );
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
    sendRestcomm(req, res, HttpStatus.OK, 'Call', toCallResponse(call, suffixFor(req)));
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
    sendRestcomm(req, res, HttpStatus.OK, 'Call', toCallResponse(call, suffixFor(req)));
  }
}
