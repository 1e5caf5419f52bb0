import { rfc2822 } from '../../common/rfc2822';
import type { AccountEntity } from '../account.entity';
import { accountSipDomain } from '../sip-domain';

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

/** Every account here is a paid ("Full") account: there are no trial restrictions to report. */
const ACCOUNT_TYPE = 'Full';

export const restcommAccountsUri = () => '/restcomm/2012-04-24/Accounts';
export const twilioAccountsUri = () => '/2010-04-01/Accounts';

export interface RestcommAccountResponseDto {
  sid: string;
  owner_account_sid: string;
  friendly_name: string;
  status: string;
  type: string;
  auth_token: string;
  date_created: string;
  date_updated: string;
  cps: number;
  max_concurrent_calls: number;
  max_queued_calls: number;
  enforce_media_auth: boolean;
  sip_domain: string;
  uri: string;
  subresource_uris: Record<string, string>;
}

export function toRestcommAccountResponse(account: AccountEntity, suffix = ''): RestcommAccountResponseDto {
  const base = `${restcommAccountsUri()}/${account.sid}`;
  return {
    sid: account.sid,
    owner_account_sid: account.parentSid ?? account.sid,
    friendly_name: account.friendlyName,
    status: account.status,
    type: ACCOUNT_TYPE,
    auth_token: account.authToken,
    date_created: iso(account.dateCreated)!,
    date_updated: iso(account.dateUpdated)!,
    ...settingFields(account),
    sip_domain: accountSipDomain(account),
    uri: base + suffix,
    subresource_uris: Object.fromEntries(
      ['Calls', 'IncomingPhoneNumbers', 'Clients', 'Notifications', 'Recordings', 'Conferences'].map(
        (name) => [name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase(), `${base}/${name}${suffix}`],
      ),
    ),
  };
}

/** The 2010-04-01 resources under an account that this platform serves. */
const TWILIO_SUBRESOURCES = [
  'Calls',
  'Keys',
  'IncomingPhoneNumbers',
  'Recordings',
  'Notifications',
  'Conferences',
];

const snakeCase = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

export interface TwilioAccountResponseDto {
  sid: string;
  owner_account_sid: string;
  friendly_name: string;
  status: string;
  type: string;
  auth_token: string;
  date_created: string | null;
  date_updated: string | null;
  cps: number;
  max_concurrent_calls: number;
  max_queued_calls: number;
  enforce_media_auth: boolean;
  sip_domain: string;
  uri: string;
  subresource_uris: Record<string, string>;
}

export function toTwilioAccountResponse(account: AccountEntity): TwilioAccountResponseDto {
  const base = `${twilioAccountsUri()}/${account.sid}`;
  return {
    sid: account.sid,
    owner_account_sid: account.parentSid ?? account.sid,
    friendly_name: account.friendlyName,
    status: account.status,
    type: ACCOUNT_TYPE,
    auth_token: account.authToken,
    date_created: rfc2822(account.dateCreated),
    date_updated: rfc2822(account.dateUpdated),
    ...settingFields(account),
    sip_domain: accountSipDomain(account),
    uri: `${base}.json`,
    subresource_uris: Object.fromEntries(
      TWILIO_SUBRESOURCES.map((name) => [snakeCase(name), `${base}/${name}.json`]),
    ),
  };
}

/** Callwright's per-account limits and media auth setting (not Twilio fields; SDKs ignore what they do not know). */
function settingFields(account: AccountEntity) {
  return {
    cps: account.cps,
    max_concurrent_calls: account.maxConcurrentCalls,
    max_queued_calls: account.maxQueuedCalls,
    enforce_media_auth: account.enforceMediaAuth,
  };
}
