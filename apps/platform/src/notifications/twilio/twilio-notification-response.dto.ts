import { rfc2822 } from '../../common/rfc2822';
import type { NotificationEntity } from '../notification.entity';

const TWILIO_API_VERSION = '2010-04-01';

/** A notification as Twilio's 2010-04-01 API presents it: `log` and `error_code` are strings there. */
export interface TwilioNotificationResponseDto {
  sid: string;
  account_sid: string;
  call_sid: string | null;
  api_version: string;
  /** "0" error, "1" warning. */
  log: string;
  error_code: string;
  more_info: string;
  message_text: string;
  message_date: string | null;
  request_url: string | null;
  request_method: string | null;
  request_variables: string;
  response_headers: string;
  response_body: string | null;
  date_created: string | null;
  date_updated: string | null;
  uri: string;
}

export function twilioNotificationsUri(accountSid: string, callSid?: string): string {
  const account = `/${TWILIO_API_VERSION}/Accounts/${accountSid}`;
  return callSid ? `${account}/Calls/${callSid}/Notifications` : `${account}/Notifications`;
}

export function toTwilioNotificationResponse(
  notification: NotificationEntity,
): TwilioNotificationResponseDto {
  // Written when the problem happens and never changed: the three dates are one instant.
  const created = rfc2822(notification.dateCreated);
  return {
    sid: notification.sid,
    account_sid: notification.accountSid,
    call_sid: notification.callSid,
    api_version: TWILIO_API_VERSION,
    log: String(notification.log),
    error_code: String(notification.errorCode),
    more_info: notification.moreInfo,
    message_text: notification.messageText,
    message_date: created,
    request_url: notification.requestUrl,
    request_method: notification.requestMethod,
    request_variables: '',
    response_headers: '',
    response_body: notification.responseBody,
    date_created: created,
    date_updated: created,
    uri: `${twilioNotificationsUri(notification.accountSid, notification.callSid ?? undefined)}/${notification.sid}.json`,
  };
}
