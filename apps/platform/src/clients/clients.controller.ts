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
import { ClientsService } from './clients.service';
import { clientsUri, toClientResponse } from './dto/client-response.dto';
import { CreateClientDto } from './dto/create-client.dto';
import { ListClientsQueryDto } from './dto/list-clients-query.dto';
import { UpdateClientDto } from './dto/update-client.dto';

const XML_NAME = 'Client';

/** RestComm 2012-04-24 Clients: SIP users that register with the platform and are dialed with `<Client>`. */
@Controller('2012-04-24/Accounts/:accountSid/Clients')
@UseGuards(BasicAuthGuard)
@UseFilters(RestcommExceptionFilter)
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: CreateClientDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const client = await this.clients.create(account, body);
    sendRestcomm(req, res, HttpStatus.CREATED, XML_NAME, toClientResponse(client, formatSuffix(req)));
  }

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: ListClientsQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const result = await this.clients.list(account, query.Page, query.PageSize, {
      login: query.Login,
      friendlyName: query.FriendlyName,
    });
    const suffix = formatSuffix(req);
    const meta = pageMeta(
      clientsUri(account.sid) + suffix,
      result.total,
      result.items.length,
      query.Page,
      query.PageSize,
    );
    sendRestcommPage(
      req,
      res,
      { json: 'clients', xmlList: 'Clients', xmlItem: XML_NAME },
      meta,
      result.items.map((client) => toClientResponse(client, suffix)),
    );
  }

  @Get(':sid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const client = await this.clients.get(account, sid);
    sendRestcomm(req, res, HttpStatus.OK, XML_NAME, toClientResponse(client, formatSuffix(req)));
  }

  /** Only the parameters sent change. */
  @Post(':sid')
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Body() body: UpdateClientDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const client = await this.clients.update(account, sid, body);
    sendRestcomm(req, res, HttpStatus.OK, XML_NAME, toClientResponse(client, formatSuffix(req)));
  }

  @Delete(':sid')
  async remove(@CurrentAccount() account: AccountEntity, @Param('sid') sid: string, @Res() res: Response) {
    await this.clients.remove(account, sid);
    res.status(HttpStatus.NO_CONTENT).end();
  }
}
