import { RESTCOMM_API_VERSION } from '../../common/api-version';
import type { IncomingNumberEntity } from '../incoming-number.entity';

export interface IncomingNumberResponseDto {
  sid: string;
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  status_callback: string | null;
  status_callback_method: string;
  /** The progress events sent to status_callback, space-separated; null means completed only. */
  status_callback_event: string | null;
  voice_application_sid: string | null;
  date_created: string;
  date_updated: string;
  api_version: string;
  uri: string;
}

export function incomingNumbersUri(accountSid: string): string {
  return `/restcomm/${RESTCOMM_API_VERSION}/Accounts/${accountSid}/IncomingPhoneNumbers`;
}

export function toIncomingNumberResponse(
  number: IncomingNumberEntity,
  suffix = '',
): IncomingNumberResponseDto {
  return {
    sid: number.sid,
    account_sid: number.accountSid,
    phone_number: number.phoneNumber,
    friendly_name: number.friendlyName,
    voice_url: number.voiceUrl,
    voice_method: number.voiceMethod,
    voice_fallback_url: number.voiceFallbackUrl,
    voice_fallback_method: number.voiceFallbackMethod,
    status_callback: number.statusCallback,
    status_callback_method: number.statusCallbackMethod,
    status_callback_event: number.statusCallbackEvent,
    voice_application_sid: number.voiceApplicationSid ?? null,
    date_created: new Date(number.dateCreated).toISOString(),
    date_updated: new Date(number.dateUpdated).toISOString(),
    api_version: number.apiVersion,
    uri: `${incomingNumbersUri(number.accountSid)}/${number.sid}${suffix}`,
  };
}
