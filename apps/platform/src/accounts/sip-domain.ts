import type { AccountEntity } from './account.entity';

/** Suffix of every default domain; a domain set by hand may not end with it (it could be another's default). */
export const DEFAULT_SIP_DOMAIN_SUFFIX = '.callwright.local';

/** A DNS name (labels of letters, digits and inner hyphens, at least two labels), lower case. */
export const SIP_DOMAIN_PATTERN =
  /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export function defaultSipDomain(accountSid: string): string {
  return `${accountSid.toLowerCase()}${DEFAULT_SIP_DOMAIN_SUFFIX}`;
}

/** The domain the account's phones register in. */
export function accountSipDomain(account: Pick<AccountEntity, 'sid' | 'sipDomain'>): string {
  return account.sipDomain ?? defaultSipDomain(account.sid);
}
