import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { CallEntity } from '../call-control/legs/call.entity';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { insertionOrder, type Page } from '../common/paging';
import { sidPattern } from '../common/sid';
import { NotificationEntity } from './notification.entity';

/** Read side of the Notifications resource; NotificationsService writes them. */
@Injectable()
export class NotificationQueriesService {
  constructor(
    @InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
  ) {}

  /**
   * Newest first; with `callSid`, only that call's, and 404 when the account has no such call.
   * NotificationsService.record() lets the database date notifications, whole seconds on SQLite,
   * and a call's warning and error often share a second: insertionOrder() keeps them in order.
   */
  async list(
    account: AccountEntity,
    page: number,
    pageSize: number,
    callSid?: string,
  ): Promise<Page<NotificationEntity>> {
    if (callSid !== undefined) await this.assertCall(account, callSid);
    const query = this.notifications
      .createQueryBuilder('notification')
      .where('notification.accountSid = :accountSid', { accountSid: account.sid });
    if (callSid !== undefined) query.andWhere('notification.callSid = :callSid', { callSid });
    const [items, total] = await query
      .orderBy('notification.dateCreated', 'DESC')
      .addOrderBy(insertionOrder(this.notifications, 'notification'), 'DESC')
      .offset(page * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  /** With `callSid`, the notification must also be that call's (the per-call subresource). */
  async get(account: AccountEntity, sid: string, callSid?: string): Promise<NotificationEntity> {
    const notification = sidPattern('NO').test(sid)
      ? await this.notifications.findOneBy({ sid, accountSid: account.sid })
      : null;
    if (!notification || (callSid !== undefined && notification.callSid !== callSid))
      throw new DomainError(
        DomainErrorCode.NotFound,
        `The requested resource Notification ${sid} was not found`,
      );
    return notification;
  }

  private async assertCall(account: AccountEntity, callSid: string): Promise<void> {
    const exists =
      sidPattern('CA').test(callSid) &&
      (await this.calls.existsBy({ sid: callSid, accountSid: account.sid }));
    if (!exists)
      throw new DomainError(DomainErrorCode.NotFound, `The requested resource Call ${callSid} was not found`);
  }
}
