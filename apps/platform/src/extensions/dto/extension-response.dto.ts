import { RESTCOMM_API_VERSION } from '../../common/api-version';
import type { ExtensionEntity } from '../extension.entity';

/** The password is never returned. */
export interface ExtensionResponseDto {
  sid: string;
  account_sid: string;
  extension_number: string;
  display_name: string;
  outbound_caller_id: string | null;
  enabled: boolean;
  /** What a phone registers as (`<extension>@<domain>`) with the extension number as digest username. */
  sip_uri: string;
  sip_domain: string;
  /** Contacts registered now; null when Asterisk could not be asked. */
  registrations: { contact: string }[] | null;
  date_created: string;
  date_updated: string;
  api_version: string;
  uri: string;
}

export interface ExtensionView {
  extension: ExtensionEntity;
  domain: string;
  contacts: string[] | null;
}

export function extensionsUri(accountSid: string, api: 'restcomm' | 'twilio' = 'restcomm'): string {
  return api === 'restcomm'
    ? `/restcomm/${RESTCOMM_API_VERSION}/Accounts/${accountSid}/Extensions`
    : `/2010-04-01/Accounts/${accountSid}/Extensions`;
}

export function toExtensionResponse(
  { extension, domain, contacts }: ExtensionView,
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
    sip_uri: `sip:${extension.extensionNumber}@${domain}`,
    sip_domain: domain,
    registrations: contacts && contacts.map((contact) => ({ contact })),
    date_created: new Date(extension.dateCreated).toISOString(),
    date_updated: new Date(extension.dateUpdated).toISOString(),
    api_version: extension.apiVersion,
    uri: `${extensionsUri(extension.accountSid, api)}/${extension.sid}${suffix}`,
  };
}
