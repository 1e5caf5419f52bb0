import { Controller, Get, HttpStatus, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AccountEntity } from '../accounts/account.entity';
import { BasicAuthGuard } from '../accounts/basic-auth.guard';
import { CurrentAccount } from '../accounts/current-account.decorator';
import { formatSuffix } from '../common/api-format';
import { type Page, pageMeta, PageQueryDto, sendRestcommPage } from '../common/paging';
import { RestcommExceptionFilter } from '../common/restcomm-exception.filter';
import { sendRestcomm } from '../common/restcomm-response';
import {
  accountNotificationsUri,
  callNotificationsUri,
  toNotificationResponse,
} from './dto/notification-response.dto';
import type { NotificationEntity } from './notification.entity';
import { NotificationQueriesService } from './notification-queries.service';

function sendPage(
  req: Request,
  res: Response,
  listUri: string,
  result: Page<NotificationEntity>,
  query: PageQueryDto,
): void {
  const suffix = formatSuffix(req);
  const meta = pageMeta(listUri + suffix, result.total, result.items.length, query.Page, query.PageSize);
  sendRestcommPage(
    req,
    res,
    { json: 'notifications', xmlList: 'Notifications', xmlItem: 'Notification' },
    meta,
    result.items.map((notification) => toNotificationResponse(notification, suffix)),
  );
}

/** RestComm 2012-04-24 Notifications of an account: errors and warnings from its calls' RCML. */
@Controller('2012-04-24/Accounts/:accountSid/Notifications')
@UseGuards(BasicAuthGuard)
@UseFilters(RestcommExceptionFilter)
export class AccountNotificationsController {
  constructor(private readonly notifications: NotificationQueriesService) {}

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: PageQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const result = await this.notifications.list(account, query.Page, query.PageSize);
    sendPage(req, res, accountNotificationsUri(account.sid), result, query);
  }

  @Get(':notificationSid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('notificationSid') sid: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const notification = await this.notifications.get(account, sid);
    sendRestcomm(
      req,
      res,
      HttpStatus.OK,
      'Notification',
      toNotificationResponse(notification, formatSuffix(req)),
    );
  }
}

/** The Notifications subresource of one call. */
@Controller('2012-04-24/Accounts/:accountSid/Calls/:callSid/Notifications')
@UseGuards(BasicAuthGuard)
@UseFilters(RestcommExceptionFilter)
export class CallNotificationsController {
  constructor(private readonly notifications: NotificationQueriesService) {}

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Query() query: PageQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const result = await this.notifications.list(account, query.Page, query.PageSize, callSid);
    sendPage(req, res, callNotificationsUri(account.sid, callSid), result, query);
  }
}
