import { RESTCOMM_API_VERSION } from '../../common/api-version';
import type { SipRegistration } from '../../telephony/sip-user-directory.port';
import type { ExtensionEntity } from '../extension.entity';

/** A phone registered as the extension. */
export interface RegistrationResponseDto {
  /** The contact URI calls are sent to: the address the REGISTER came from. */
  contact: string;
  user_agent: string | null;
  /** When the registration lapses unless the phone refreshes it (ISO 8601). */
  expires_at: string | null;
  /** Host and port of the phone's Via header, as the phone wrote them (behind NAT, its private address). */
  via_address: string | null;
  via_port: number | null;
}

/** The password and the PIN are never returned. */
export interface ExtensionResponseDto {
  sid: string;
  account_sid: string;
  extension_number: string;
  display_name: string;
  outbound_caller_id: string | null;
  enabled: boolean;
  /** Whether a callcontroller PIN is set (the PIN itself is never returned). */
  has_pin: boolean;
  /** May place callcontroller calls for other users. */
  call_controller_agent: boolean;
  /** What a phone registers as (`<extension>@<domain>`) with the extension number as digest username. */
  sip_uri: string;
  sip_domain: string;
  /** Phones registered now (at most EXTENSION_MAX_CONTACTS); null when Asterisk could not be asked. */
  registrations: RegistrationResponseDto[] | null;
  date_created: string;
  date_updated: string;
  api_version: string;
  uri: string;
}

export interface ExtensionView {
  extension: ExtensionEntity;
  domain: string;
  registrations: SipRegistration[] | null;
}

export function extensionsUri(accountSid: string, api: 'restcomm' | 'twilio' = 'restcomm'): string {
  return api === 'restcomm'
    ? `/restcomm/${RESTCOMM_API_VERSION}/Accounts/${accountSid}/Extensions`
    : `/2010-04-01/Accounts/${accountSid}/Extensions`;
}

export function toExtensionResponse(
  { extension, domain, registrations }: ExtensionView,
  suffix = '',
  api: 'restcomm' | 'twilio' = 'restcomm',
): ExtensionResponseDto {
  return {
    sid: extension.sid,
    account_sid: extension.accountSid,
    extension_number: extension.extensionNumber,
    display_name: extension.displayName,
    outbound_caller_id: extension.outboundCallerId,
    enabled: extension.enabled,
    has_pin: Boolean(extension.pinHa1Md5),
    call_controller_agent: extension.callControllerAgent,
    sip_uri: `sip:${extension.extensionNumber}@${domain}`,
    sip_domain: domain,
    registrations: registrations && registrations.map(toRegistrationResponse),
    date_created: new Date(extension.dateCreated).toISOString(),
    date_updated: new Date(extension.dateUpdated).toISOString(),
    api_version: extension.apiVersion,
    uri: `${extensionsUri(extension.accountSid, api)}/${extension.sid}${suffix}`,
  };
}

export function toRegistrationResponse(registration: SipRegistration): RegistrationResponseDto {
  return {
    contact: registration.contact,
    user_agent: registration.userAgent,
    expires_at: registration.expiresAt && registration.expiresAt.toISOString(),
    via_address: registration.viaAddress,
    via_port: registration.viaPort,
  };
}
