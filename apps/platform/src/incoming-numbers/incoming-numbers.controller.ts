import {
  Body,
  Controller,
  Delete,
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
import { formatSuffix } from '../common/api-format';
import { pageMeta, sendRestcommPage } from '../common/paging';
import { RestcommExceptionFilter } from '../common/restcomm-exception.filter';
import { sendRestcomm } from '../common/restcomm-response';
import { CreateIncomingNumberDto } from './dto/create-incoming-number.dto';
import { incomingNumbersUri, toIncomingNumberResponse } from './dto/incoming-number-response.dto';
import { ListIncomingNumbersQueryDto } from './dto/list-incoming-numbers-query.dto';
import { UpdateIncomingNumberDto } from './dto/update-incoming-number.dto';
import { IncomingNumbersService } from './incoming-numbers.service';

const XML_NAME = 'IncomingPhoneNumber';

/** RestComm 2012-04-24 IncomingPhoneNumbers: the numbers whose inbound calls run an account's RCML. */
@Controller('2012-04-24/Accounts/:accountSid/IncomingPhoneNumbers')
@UseGuards(BasicAuthGuard)
@UseFilters(RestcommExceptionFilter)
export class IncomingNumbersController {
  constructor(private readonly numbers: IncomingNumbersService) {}

  @Post()
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: CreateIncomingNumberDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const number = await this.numbers.create(account, body);
    sendRestcomm(req, res, HttpStatus.CREATED, XML_NAME, toIncomingNumberResponse(number, formatSuffix(req)));
  }

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: ListIncomingNumbersQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const result = await this.numbers.list(account, query.Page, query.PageSize, {
      phoneNumber: query.PhoneNumber,
      friendlyName: query.FriendlyName,
    });
    const suffix = formatSuffix(req);
    const meta = pageMeta(
      incomingNumbersUri(account.sid) + suffix,
      result.total,
      result.items.length,
      query.Page,
      query.PageSize,
    );
    sendRestcommPage(
      req,
      res,
      { json: 'incoming_phone_numbers', xmlList: 'IncomingPhoneNumbers', xmlItem: XML_NAME },
      meta,
      result.items.map((number) => toIncomingNumberResponse(number, suffix)),
    );
  }

  @Get(':sid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const number = await this.numbers.get(account, sid);
    sendRestcomm(req, res, HttpStatus.OK, XML_NAME, toIncomingNumberResponse(number, formatSuffix(req)));
  }

  /** Twilio and RestComm update with POST; only the parameters sent change. */
  @Post(':sid')
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Body() body: UpdateIncomingNumberDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const number = await this.numbers.update(account, sid, body);
    sendRestcomm(req, res, HttpStatus.OK, XML_NAME, toIncomingNumberResponse(number, formatSuffix(req)));
  }

  @Delete(':sid')
  async remove(@CurrentAccount() account: AccountEntity, @Param('sid') sid: string, @Res() res: Response) {
    await this.numbers.remove(account, sid);
    res.status(HttpStatus.NO_CONTENT).end();
  }
}
