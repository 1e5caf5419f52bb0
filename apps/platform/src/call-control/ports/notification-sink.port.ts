import type { NotificationCode, NotificationLevel } from '../../common/notification-codes';

/** A failure worth telling the account about, tied to a call. */
export interface CallNotification {
  accountSid: string;
  callSid: string | null;
  level: NotificationLevel;
  code: NotificationCode;
  message: string;
  requestUrl?: string;
  requestMethod?: string;
  responseBody?: string;
}

/** Where the core records notifications (bound to the notifications resource in the module). */
export abstract class NotificationSink {
  abstract record(notification: CallNotification): Promise<unknown>;
}
