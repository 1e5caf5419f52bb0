import { rfc2822 } from '../../common/rfc2822';
import type { CallEntity } from '../../call-control/legs/call.entity';
import { CallDirection } from '../../call-control/legs/call-status';
import { TWILIO_API_VERSION } from '../../common/api-version';

export { TWILIO_API_VERSION };

/** A call as Twilio's 2010-04-01 API and its SDKs present it. */
export interface TwilioCallResponseDto {
  sid: string;
  date_created: string | null;
  date_updated: string | null;
  parent_call_sid: string | null;
  account_sid: string;
  to: string;
  to_formatted: string;
  from: string;
  from_formatted: string;
  phone_number_sid: string | null;
  status: string;
  start_time: string | null;
  end_time: string | null;
  duration: string | null;
  price: string | null;
  price_unit: string;
  direction: string;
  answered_by: string | null;
  api_version: string;
  forwarded_from: string | null;
  group_sid: string | null;
  caller_name: string | null;
  queue_time: string;
  trunk_sid: string | null;
  uri: string;
  subresource_uris: { notifications: string; recordings: string };
}

export function twilioCallsUri(accountSid: string): string {
  return `/${TWILIO_API_VERSION}/Accounts/${accountSid}/Calls`;
}

/** Twilio's queue_time: milliseconds an API call waited in the outbound queue before it was dialed. */
function queueTimeMs(call: CallEntity): string {
  if (call.direction !== CallDirection.OutboundApi || !call.startTime || !call.dateCreated) return '0';
  return String(Math.max(0, call.startTime.getTime() - call.dateCreated.getTime()));
}

export function toTwilioCallResponse(call: CallEntity): TwilioCallResponseDto {
  const base = `${twilioCallsUri(call.accountSid)}/${call.sid}`;
  return {
    sid: call.sid,
    date_created: rfc2822(call.dateCreated),
    date_updated: rfc2822(call.dateUpdated),
    parent_call_sid: call.parentCallSid ?? null,
    account_sid: call.accountSid,
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    phone_number_sid: call.phoneNumberSid ?? null,
    status: call.status,
    start_time: rfc2822(call.startTime),
    end_time: rfc2822(call.endTime),
    duration: call.duration === null || call.duration === undefined ? null : String(call.duration),
    price: call.price ?? null,
    price_unit: 'USD',
    direction: call.direction,
    answered_by: call.answeredBy ?? null,
    api_version: TWILIO_API_VERSION,
    forwarded_from: call.forwardedFrom ?? null,
    group_sid: null,
    caller_name: call.callerName ?? null,
    queue_time: queueTimeMs(call),
    trunk_sid: null,
    uri: `${base}.json`,
    subresource_uris: {
      notifications: `${base}/Notifications.json`,
      recordings: `${base}/Recordings.json`,
    },
  };
}
