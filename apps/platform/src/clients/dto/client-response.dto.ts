import { RESTCOMM_API_VERSION } from '../../common/api-version';
import type { ClientEntity } from '../client.entity';

/** The password is never returned. */
export interface ClientResponseDto {
  sid: string;
  account_sid: string;
  login: string;
  friendly_name: string;
  voice_url: string | null;
  voice_method: string;
  status: string;
  date_created: string;
  date_updated: string;
  api_version: string;
  uri: string;
}

export function clientsUri(accountSid: string): string {
  return `/restcomm/${RESTCOMM_API_VERSION}/Accounts/${accountSid}/Clients`;
}

export function toClientResponse(client: ClientEntity, suffix = ''): ClientResponseDto {
  return {
    sid: client.sid,
    account_sid: client.accountSid,
    login: client.login,
    friendly_name: client.friendlyName,
    voice_url: client.voiceUrl,
    voice_method: client.voiceMethod,
    status: client.status,
    date_created: new Date(client.dateCreated).toISOString(),
    date_updated: new Date(client.dateUpdated).toISOString(),
    api_version: client.apiVersion,
    uri: `${clientsUri(client.accountSid)}/${client.sid}${suffix}`,
  };
}
