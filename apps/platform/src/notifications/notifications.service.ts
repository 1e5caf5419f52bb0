import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { newSid } from '../common/sid';
import { NotificationEntity, NotificationLevel } from './notification.entity';

export interface NotificationInput {
  accountSid: string;
  callSid: string | null;
  level: NotificationLevel;
  code: number;
  message: string;
  requestUrl?: string;
  requestMethod?: string;
  responseBody?: string;
}

const MAX_STORED_BODY = 4096;

/** Errors and warnings that happened on a call, kept for the app developer to read. */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    @InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>,
  ) {}

  async record(input: NotificationInput): Promise<NotificationEntity> {
    this.logger.warn(`${input.callSid ?? input.accountSid}: ${input.code} ${input.message}`);
    return this.notifications.save({
      sid: newSid('NO'),
      accountSid: input.accountSid,
      callSid: input.callSid,
      log: input.level,
      errorCode: input.code,
      moreInfo: `https://www.twilio.com/docs/errors/${input.code}`,
      messageText: input.message,
      requestUrl: input.requestUrl ?? null,
      requestMethod: input.requestMethod ?? null,
      responseBody: input.responseBody?.slice(0, MAX_STORED_BODY) ?? null,
      // Millisecond precision keeps a call's notifications in the order they happened.
      dateCreated: new Date(),
    });
  }

  async listForCall(accountSid: string, callSid: string): Promise<NotificationEntity[]> {
    return this.notifications.find({
      where: { accountSid, callSid },
      order: { dateCreated: 'ASC', sid: 'ASC' },
    });
  }
}
