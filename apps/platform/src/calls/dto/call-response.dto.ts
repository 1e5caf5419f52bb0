import type { CallEntity } from '../../call-control/legs/call.entity';

import { RESTCOMM_API_VERSION } from '../../common/api-version';

export { RESTCOMM_API_VERSION };

export interface CallResponseDto {
  sid: string;
  date_created: string;
  date_updated: string;
  parent_call_sid: string | null;
  account_sid: string;
  to: string;
  from: string;
  phone_number_sid: string | null;
  status: string;
  start_time: string | null;
  end_time: string | null;
  duration: number | null;
  price: string | null;
  price_unit: string;
  direction: string;
  answered_by: string | null;
  api_version: string;
  forwarded_from: string | null;
  caller_name: string | null;
  sip_call_id: string | null;
  sip_response_code: number | null;
  /** The SIP Subject of the call's INVITE, when one was set (sipX call controller). */
  subject: string | null;
  uri: string;
  subresource_uris: { notifications: string; recordings: string };
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

export function callsUri(accountSid: string): string {
  return `/restcomm/${RESTCOMM_API_VERSION}/Accounts/${accountSid}/Calls`;
}

export function toCallResponse(call: CallEntity, suffix = ''): CallResponseDto {
  const base = `${callsUri(call.accountSid)}/${call.sid}`;
  return {
    sid: call.sid,
    date_created: iso(call.dateCreated)!,
    date_updated: iso(call.dateUpdated)!,
    parent_call_sid: call.parentCallSid,
    account_sid: call.accountSid,
    to: call.to,
    from: call.from,
    phone_number_sid: call.phoneNumberSid,
    status: call.status,
    start_time: iso(call.startTime),
    end_time: iso(call.endTime),
    duration: call.duration,
    price: call.price,
    price_unit: 'USD',
    direction: call.direction,
    answered_by: call.answeredBy,
    api_version: call.apiVersion,
    forwarded_from: call.forwardedFrom,
    caller_name: call.callerName,
    sip_call_id: call.sipCallId,
    sip_response_code: call.sipResponseCode,
    subject: call.subject ?? null,
    uri: base + suffix,
    subresource_uris: {
      notifications: `${base}/Notifications${suffix}`,
      recordings: `${base}/Recordings${suffix}`,
    },
  };
}
