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
import { CreateExtensionDto } from './dto/create-extension.dto';
import { extensionsUri, toExtensionResponse } from './dto/extension-response.dto';
import { ListExtensionsQueryDto } from './dto/list-extensions-query.dto';
import { UpdateExtensionDto } from './dto/update-extension.dto';
import { ExtensionsService } from './extensions.service';

const XML_NAME = 'Extension';

/** RestComm 2012-04-24 shape of the Extensions resource. */
@Controller('2012-04-24/Accounts/:accountSid/Extensions')
@UseGuards(BasicAuthGuard)
@UseFilters(RestcommExceptionFilter)
export class ExtensionsController {
  constructor(private readonly extensions: ExtensionsService) {}

  @Post()
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: CreateExtensionDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const view = await this.extensions.create(account, body);
    sendRestcomm(req, res, HttpStatus.CREATED, XML_NAME, toExtensionResponse(view, formatSuffix(req)));
  }

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: ListExtensionsQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const result = await this.extensions.list(account, query.Page, query.PageSize, query.ExtensionNumber);
    const suffix = formatSuffix(req);
    const meta = pageMeta(
      extensionsUri(account.sid) + suffix,
      result.total,
      result.items.length,
      query.Page,
      query.PageSize,
    );
    sendRestcommPage(
      req,
      res,
      { json: 'extensions', xmlList: 'Extensions', xmlItem: XML_NAME },
      meta,
      result.items.map((view) => toExtensionResponse(view, suffix)),
    );
  }

  @Get(':sid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const view = await this.extensions.get(account, sid);
    sendRestcomm(req, res, HttpStatus.OK, XML_NAME, toExtensionResponse(view, formatSuffix(req)));
  }

  @Post(':sid')
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Body() body: UpdateExtensionDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const view = await this.extensions.update(account, sid, body);
    sendRestcomm(req, res, HttpStatus.OK, XML_NAME, toExtensionResponse(view, formatSuffix(req)));
  }

  @Delete(':sid')
  async remove(@CurrentAccount() account: AccountEntity, @Param('sid') sid: string, @Res() res: Response) {
    await this.extensions.remove(account, sid);
    res.status(HttpStatus.NO_CONTENT).end();
  }
}
