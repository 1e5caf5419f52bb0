import { NotificationLevel } from '../../apps/platform/src/notifications/notification.entity';
import type { NotificationInput } from '../../apps/platform/src/notifications/notifications.service';
import { NotificationCode } from '../../apps/platform/src/common/notification-codes';

export function buildNotificationInput(
  accountSid: string,
  overrides: Partial<NotificationInput> = {},
): NotificationInput {
  return {
    accountSid,
    callSid: null,
    level: NotificationLevel.Error,
    code: NotificationCode.HttpRetrievalFailure,
    message: 'Fetching http://127.0.0.1:9/app.xml failed: connection refused',
    requestUrl: 'http://127.0.0.1:9/app.xml',
    requestMethod: 'POST',
    ...overrides,
  };
}
