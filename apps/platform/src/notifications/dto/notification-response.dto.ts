import { RESTCOMM_API_VERSION } from '../../common/api-version';
import type { NotificationEntity } from '../notification.entity';

export interface NotificationResponseDto {
  sid: string;
  account_sid: string;
  call_sid: string | null;
  api_version: string;
  /** 0 error, 1 warning. */
  log: number;
  error_code: number;
  more_info: string;
  message_text: string;
  message_date: string;
  request_url: string | null;
  request_method: string | null;
  response_body: string | null;
  date_created: string;
  uri: string;
}

export function accountNotificationsUri(accountSid: string): string {
  return `/restcomm/${RESTCOMM_API_VERSION}/Accounts/${accountSid}/Notifications`;
}

export function callNotificationsUri(accountSid: string, callSid: string): string {
  return `/restcomm/${RESTCOMM_API_VERSION}/Accounts/${accountSid}/Calls/${callSid}/Notifications`;
}

export function toNotificationResponse(
  notification: NotificationEntity,
  suffix = '',
): NotificationResponseDto {
  const created = new Date(notification.dateCreated).toISOString();
  return {
    sid: notification.sid,
    account_sid: notification.accountSid,
    call_sid: notification.callSid,
    api_version: RESTCOMM_API_VERSION,
    log: notification.log,
    error_code: notification.errorCode,
    more_info: notification.moreInfo,
    message_text: notification.messageText,
    // Notifications are written when the problem happens, so the two dates are the same instant.
    message_date: created,
    request_url: notification.requestUrl,
    request_method: notification.requestMethod,
    response_body: notification.responseBody,
    date_created: created,
    uri: `${accountNotificationsUri(notification.accountSid)}/${notification.sid}${suffix}`,
  };
}
