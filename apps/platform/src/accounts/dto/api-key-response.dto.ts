import { rfc2822 } from '../../common/rfc2822';
import type { ApiKeyEntity } from '../api-key.entity';

export interface ApiKeyResponseDto {
  sid: string;
  friendly_name: string;
  date_created: string | null;
  date_updated: string | null;
}

/** Twilio's NewKey: the only answer that carries the secret. */
export interface NewApiKeyResponseDto extends ApiKeyResponseDto {
  secret: string;
}

export const keysUri = (accountSid: string) => `/2010-04-01/Accounts/${accountSid}/Keys`;

export function toApiKeyResponse(key: ApiKeyEntity): ApiKeyResponseDto {
  return {
    sid: key.sid,
    friendly_name: key.friendlyName,
    date_created: rfc2822(key.dateCreated),
    date_updated: rfc2822(key.dateUpdated),
  };
}
