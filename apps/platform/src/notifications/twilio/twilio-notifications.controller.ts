import { Controller, Get, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import type { AccountEntity } from '../../accounts/account.entity';
import { BasicAuthGuard } from '../../accounts/basic-auth.guard';
import { CurrentAccount } from '../../accounts/current-account.decorator';
import { PageQueryDto } from '../../common/paging';
import { TwilioExceptionFilter } from '../../common/twilio-exception.filter';
import { twilioPageMeta, type TwilioPageMeta } from '../../common/twilio-page';
import { NotificationQueriesService } from '../notification-queries.service';
import {
  toTwilioNotificationResponse,
  twilioNotificationsUri,
  type TwilioNotificationResponseDto,
} from './twilio-notification-response.dto';

type TwilioNotificationPage = TwilioPageMeta & { notifications: TwilioNotificationResponseDto[] };

/** Twilio 2010-04-01 Notifications of an account: errors and warnings from its calls, newest first. */
@Controller('2010-04-01/Accounts/:accountSid/Notifications')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioNotificationsController {
  constructor(private readonly notifications: NotificationQueriesService) {}

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: PageQueryDto,
  ): Promise<TwilioNotificationPage> {
    const result = await this.notifications.list(account, query.Page, query.PageSize);
    return {
      ...twilioPageMeta(
        twilioNotificationsUri(account.sid) + '.json',
        query,
        result.items.length,
        result.total,
      ),
      notifications: result.items.map(toTwilioNotificationResponse),
    };
  }

  @Get(':sid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
  ): Promise<TwilioNotificationResponseDto> {
    return toTwilioNotificationResponse(await this.notifications.get(account, sid));
  }
}

/** The Notifications subresource of one call: list and fetch. */
@Controller('2010-04-01/Accounts/:accountSid/Calls/:callSid/Notifications')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioCallNotificationsController {
  constructor(private readonly notifications: NotificationQueriesService) {}

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Query() query: PageQueryDto,
  ): Promise<TwilioNotificationPage> {
    const result = await this.notifications.list(account, query.Page, query.PageSize, callSid);
    const listUri = twilioNotificationsUri(account.sid, callSid) + '.json';
    return {
      ...twilioPageMeta(listUri, query, result.items.length, result.total),
      notifications: result.items.map(toTwilioNotificationResponse),
    };
  }

  @Get(':sid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Param('sid') sid: string,
  ): Promise<TwilioNotificationResponseDto> {
    return toTwilioNotificationResponse(await this.notifications.get(account, sid, callSid));
  }
}
