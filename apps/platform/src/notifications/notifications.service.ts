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

/** Enough of an app server's answer to diagnose it; never a copy of whatever a URL returned. */
export const MAX_STORED_BODY_BYTES = 1024;

/**
 * The first kilobyte of a response body, as text: a body with NUL bytes or that is not valid UTF-8 is
 * binary and is not kept; other control characters (but tab and newlines) are dropped.
 */
export function storedBodyExcerpt(body: string | undefined): string | null {
  if (!body) return null;
  let excerpt = Buffer.from(body, 'utf8').subarray(0, MAX_STORED_BODY_BYTES).toString('utf8');
  // A multi-byte character cut at the limit decodes as U+FFFD; drop that tail rather than call it binary.
  excerpt = excerpt.replace(/\uFFFD$/, '');
  if (excerpt.includes('\u0000') || excerpt.includes('\uFFFD')) return '[binary response body not kept]';
  return withoutControlCharacters(excerpt);
}

/** Keeps tab and line breaks, drops every other control character (none is valid in XML 1.0 anyway). */
function withoutControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

/** Credentials in an app-server URL are the account's secrets: they are sent as Basic auth, never stored. */
function withoutCredentials(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url.slice(0, 2048);
  }
}

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
      // Messages quote documents and URLs; what is stored is rendered into XML and JSON later.
      messageText: withoutControlCharacters(input.message),
      requestUrl: withoutCredentials(input.requestUrl),
      requestMethod: input.requestMethod ?? null,
      responseBody: storedBodyExcerpt(input.responseBody),
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
