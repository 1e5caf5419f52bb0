import { TWILIO_API_VERSION } from '../../common/api-version';
import { rfc2822 } from '../../common/rfc2822';
import type { ApplicationEntity } from '../application.entity';

/** An Application as Twilio's 2010-04-01 API and its SDKs present it. */
export interface ApplicationResponseDto {
  account_sid: string;
  api_version: string;
  date_created: string | null;
  date_updated: string | null;
  friendly_name: string;
  message_status_callback: string | null;
  sid: string;
  sms_fallback_method: string;
  sms_fallback_url: string | null;
  sms_method: string;
  sms_status_callback: string | null;
  sms_url: string | null;
  status_callback: string | null;
  status_callback_method: string;
  uri: string;
  voice_caller_id_lookup: boolean;
  voice_fallback_method: string;
  voice_fallback_url: string | null;
  voice_method: string;
  voice_url: string | null;
  public_application_connect_enabled: boolean;
}

export function applicationsUri(accountSid: string): string {
  return `/${TWILIO_API_VERSION}/Accounts/${accountSid}/Applications`;
}

export function toApplicationResponse(application: ApplicationEntity): ApplicationResponseDto {
  return {
    account_sid: application.accountSid,
    api_version: application.apiVersion,
    date_created: rfc2822(application.dateCreated),
    date_updated: rfc2822(application.dateUpdated),
    friendly_name: application.friendlyName,
    message_status_callback: application.messageStatusCallback,
    sid: application.sid,
    sms_fallback_method: application.smsFallbackMethod,
    sms_fallback_url: application.smsFallbackUrl,
    sms_method: application.smsMethod,
    sms_status_callback: application.smsStatusCallback,
    sms_url: application.smsUrl,
    status_callback: application.statusCallback,
    status_callback_method: application.statusCallbackMethod,
    uri: `${applicationsUri(application.accountSid)}/${application.sid}.json`,
    voice_caller_id_lookup: application.voiceCallerIdLookup,
    voice_fallback_method: application.voiceFallbackMethod,
    voice_fallback_url: application.voiceFallbackUrl,
    voice_method: application.voiceMethod,
    voice_url: application.voiceUrl,
    public_application_connect_enabled: application.publicApplicationConnectEnabled,
  };
}
