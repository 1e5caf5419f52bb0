import type { RcParty, TelephonySessionEvent } from '../telephony-session-event';

/**
 * RingCentral's telephony session event filters:
 * `/restapi/v1.0/account/{accountId}[/extension/{extensionId}]/telephony/sessions[?query]`, where an id
 * may be `~` (the token's own account or extension) until the subscription stores it resolved.
 */

/** Every status code RingCentral documents for a party (the platform produces a subset). */
const STATUS_CODES = [
  'Setup',
  'Proceeding',
  'Answered',
  'Disconnected',
  'Gone',
  'Parked',
  'Hold',
  'VoiceMail',
  'FaxReceive',
  'VoiceMailScreening',
];

/** The query parameters that narrow a filter down, each a condition on one party. */
export interface FilterConditions {
  direction?: 'Inbound' | 'Outbound';
  statusCodes?: string[];
  missedCall?: boolean;
  /** Without a leading `+`: RingCentral matches E.164 numbers with or without it. */
  phoneNumber?: string;
}

/** A filter as written: ids may still be `~`. */
export interface WrittenFilter {
  accountRef: string;
  /** Null for an account-level filter. */
  extensionRef: string | null;
  /** As given, without the `?`; empty when none. */
  query: string;
  conditions: FilterConditions;
}

/** A stored filter: the ids it names, and the path shown in SubscriptionInfo and in each notification. */
export interface EventFilter extends WrittenFilter {
  path: string;
}

/** Why a filter cannot be used: the caller turns it into the API's refusal. */
export class FilterSyntaxError extends Error {}

const FILTER =
  /^\/restapi\/v1\.0\/account\/([^/?#]+)(?:\/extension\/([^/?#]+))?\/telephony\/sessions(?:\?(.*))?$/;
const ID = /^(?:~|[A-Za-z0-9]{1,64})$/;

export function parseFilter(filter: string): WrittenFilter {
  const match = FILTER.exec(filter);
  if (!match)
    throw new FilterSyntaxError(
      `'${filter}' is not a telephony sessions event filter (/restapi/v1.0/account/~[/extension/~]/telephony/sessions)`,
    );
  const [, accountRef, extensionRef = null, query = ''] = match;
  if (!ID.test(accountRef) || (extensionRef !== null && !ID.test(extensionRef)))
    throw new FilterSyntaxError(`'${filter}' names an account or extension id that cannot exist`);
  return { accountRef, extensionRef, query, conditions: parseConditions(query) };
}

/** A filter with its ids resolved, and the path that names it from now on. */
export function resolvedFilter(
  written: WrittenFilter,
  accountSid: string,
  extensionSid: string | null,
): EventFilter {
  const extension = extensionSid === null ? '' : `/extension/${extensionSid}`;
  const query = written.query ? `?${written.query}` : '';
  return {
    ...written,
    accountRef: accountSid,
    extensionRef: extensionSid,
    path: `/restapi/v1.0/account/${accountSid}${extension}/telephony/sessions${query}`,
  };
}

/** A stored filter read back (its ids are resolved already). */
export function storedFilter(path: string): EventFilter {
  return { ...parseFilter(path), path };
}

function parseConditions(query: string): FilterConditions {
  const conditions: FilterConditions = {};
  if (!query) return conditions;
  const params = new URLSearchParams(query);
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) throw new FilterSyntaxError(`the filter parameter '${name}' is given twice`);
    const value = values[0];
    switch (name) {
      case 'direction':
        if (value !== 'Inbound' && value !== 'Outbound')
          throw new FilterSyntaxError(`direction must be Inbound or Outbound, not '${value}'`);
        conditions.direction = value;
        break;
      case 'statusCode': {
        const codes = value.split(',');
        const unknown = codes.find((code) => !STATUS_CODES.includes(code));
        if (unknown !== undefined) throw new FilterSyntaxError(`'${unknown}' is not a party status code`);
        conditions.statusCodes = codes;
        break;
      }
      case 'missedCall':
        conditions.missedCall = booleanParameter(name, value);
        break;
      case 'phoneNumber':
        if (!/^\+?[0-9A-Za-z*#.@_-]{1,64}$/.test(value))
          throw new FilterSyntaxError(`'${value}' is not a phone number`);
        conditions.phoneNumber = value.replace(/^\+/, '');
        break;
      case 'sipData':
        // Accepted so that RingCentral clients' filters work; the platform's events carry no SIP data.
        booleanParameter(name, value);
        break;
      default:
        throw new FilterSyntaxError(`the filter parameter '${name}' is not supported`);
    }
  }
  return conditions;
}

function booleanParameter(name: string, value: string): boolean {
  if (value !== 'true' && value !== 'false') throw new FilterSyntaxError(`${name} must be true or false`);
  return value === 'true';
}

/**
 * Whether a session event is one the filter asks for: the filter's account; for an extension-level
 * filter, a session the extension has a party in; with query parameters, a party (the extension's own,
 * for an extension-level filter) that meets every condition.
 */
export function filterMatches(filter: EventFilter, event: TelephonySessionEvent): boolean {
  if (event.accountSid !== filter.accountRef) return false;
  let parties = event.body.parties;
  if (filter.extensionRef !== null) {
    if (!event.extensionSids.includes(filter.extensionRef)) return false;
    const own = parties.filter((party) => party.extensionId === filter.extensionRef);
    if (own.length > 0) parties = own;
  }
  const { conditions } = filter;
  if (Object.keys(conditions).length === 0) return true;
  return parties.some((party) => partyMeets(party, conditions));
}

function partyMeets(party: RcParty, conditions: FilterConditions): boolean {
  if (conditions.direction && party.direction !== conditions.direction) return false;
  if (conditions.statusCodes && !conditions.statusCodes.includes(party.status.code)) return false;
  if (conditions.missedCall !== undefined && party.missedCall !== conditions.missedCall) return false;
  if (conditions.phoneNumber) {
    const numbers = [party.from.phoneNumber, party.to.phoneNumber].map((number) =>
      number?.replace(/^\+/, ''),
    );
    if (!numbers.includes(conditions.phoneNumber)) return false;
  }
  return true;
}

/** The first of a subscription's filters that the event matches: the `event` its notification names. */
export function firstMatchingFilter(
  filters: readonly EventFilter[],
  event: TelephonySessionEvent,
): EventFilter | undefined {
  return filters.find((filter) => filterMatches(filter, event));
}
