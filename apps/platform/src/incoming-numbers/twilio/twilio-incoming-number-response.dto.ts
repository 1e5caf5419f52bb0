import { rfc2822 } from '../../common/rfc2822';
import type { IncomingNumberEntity } from '../incoming-number.entity';

const TWILIO_API_VERSION = '2010-04-01';

/** An IncomingPhoneNumber as Twilio's 2010-04-01 API and its SDKs present it (voice only: no SMS here). */
export interface TwilioIncomingNumberResponseDto {
  sid: string;
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  voice_caller_id_lookup: boolean;
  voice_application_sid: string | null;
  voice_receive_mode: string;
  status_callback: string | null;
  status_callback_method: string;
  sms_url: string | null;
  sms_method: string;
  sms_fallback_url: string | null;
  sms_fallback_method: string;
  sms_application_sid: string | null;
  capabilities: { voice: boolean; sms: boolean; mms: boolean; fax: boolean };
  address_requirements: string;
  address_sid: string | null;
  beta: boolean;
  origin: string;
  status: string;
  trunk_sid: string | null;
  identity_sid: string | null;
  bundle_sid: string | null;
  emergency_status: string;
  emergency_address_sid: string | null;
  emergency_address_status: string;
  date_created: string | null;
  date_updated: string | null;
  api_version: string;
  uri: string;
  subresource_uris: Record<string, string>;
}

export function twilioIncomingNumbersUri(accountSid: string): string {
  return `/${TWILIO_API_VERSION}/Accounts/${accountSid}/IncomingPhoneNumbers`;
}

export function toTwilioIncomingNumberResponse(
  number: IncomingNumberEntity,
): TwilioIncomingNumberResponseDto {
  return {
    sid: number.sid,
    account_sid: number.accountSid,
    phone_number: number.phoneNumber,
    friendly_name: number.friendlyName,
    voice_url: number.voiceUrl,
    voice_method: number.voiceMethod,
    voice_fallback_url: number.voiceFallbackUrl,
    voice_fallback_method: number.voiceFallbackMethod,
    voice_caller_id_lookup: false,
    voice_application_sid: number.voiceApplicationSid ?? null,
    voice_receive_mode: 'voice',
    status_callback: number.statusCallback,
    status_callback_method: number.statusCallbackMethod,
    sms_url: null,
    sms_method: 'POST',
    sms_fallback_url: null,
    sms_fallback_method: 'POST',
    sms_application_sid: null,
    capabilities: { voice: true, sms: false, mms: false, fax: false },
    address_requirements: 'none',
    address_sid: null,
    beta: false,
    // The number is routed to this platform by its operator: Twilio's word for that is "hosted".
    origin: 'hosted',
    status: 'in-use',
    trunk_sid: null,
    identity_sid: null,
    bundle_sid: null,
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    date_created: rfc2822(number.dateCreated),
    date_updated: rfc2822(number.dateUpdated),
    api_version: TWILIO_API_VERSION,
    uri: `${twilioIncomingNumbersUri(number.accountSid)}/${number.sid}.json`,
    subresource_uris: {},
  };
}
