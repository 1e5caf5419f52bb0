import { DomainError, DomainErrorCode } from '../../common/domain-error';

export type SipxMethod = 'REFER' | 'INVITE';
export type SipxAction = 'call' | 'transfer';

/** A POST's parameters, as sipX reads them from the query string or a form body. */
export interface SipxCallParams {
  sipMethod: SipxMethod;
  action: SipxAction;
  target: string | null;
  /** Seconds the calling party is alerted before the call is given up. */
  timeoutSeconds: number;
  agent: string | null;
  subject: string | null;
  isForwardingAllowed: boolean;
  /** Seconds the call's progress is kept for a GET. */
  resultCacheSeconds: number;
}

/** sipX documents no default for these; 30 s matches the platform's other click-to-calls. */
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_RESULT_CACHE_SECONDS = 300;
const MAX_SECONDS = 86400;
const USER = /^[A-Za-z0-9._+*#-]{1,64}$/;

const invalid = (message: string) => new DomainError(DomainErrorCode.InvalidParameter, message);

type Raw = Record<string, unknown>;

/** A parameter given once (a repeated one is refused: which one counts would be a guess). */
function single(raw: Raw, name: string): string | null {
  const value = raw[name];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw invalid(`${name} must be given once`);
  return value;
}

function oneOf<T extends string>(raw: Raw, name: string, allowed: readonly T[], fallback: T): T {
  const value = single(raw, name);
  if (value === null) return fallback;
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (!match) throw invalid(`${name} must be one of ${allowed.join(', ')} (got ${value})`);
  return match;
}

function seconds(raw: Raw, name: string, fallback: number): number {
  const value = single(raw, name);
  if (value === null) return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > MAX_SECONDS)
    throw invalid(`${name} must be a number of seconds between 1 and ${MAX_SECONDS} (got ${value})`);
  return Number(value);
}

function user(raw: Raw, name: string): string | null {
  const value = single(raw, name);
  if (value !== null && !USER.test(value)) throw invalid(`${name} is not a user name: ${value}`);
  return value;
}

/** A path's user (the calling or called user), refused unless it is a plain user name or number. */
export function sipxUser(value: string, name: string): string {
  if (!USER.test(value)) throw invalid(`${name} is not a user name: ${value}`);
  return value;
}

/**
 * The query string and the form body together (a parameter in both is refused unless equal): sipX's
 * clients send either. Subject is bounded and single-line: it becomes a SIP header.
 */
export function parseSipxParams(query: Raw, body: Raw = {}): SipxCallParams {
  const raw: Raw = { ...query };
  for (const [name, value] of Object.entries(body ?? {})) {
    if (raw[name] !== undefined && raw[name] !== value) throw invalid(`${name} is given twice, differently`);
    raw[name] = value;
  }
  const subject = single(raw, 'subject');
  if (subject !== null && (subject.length > 256 || /[\r\n\0]/.test(subject)))
    throw invalid('subject must be one line of at most 256 characters');
  const forwarding = oneOf(raw, 'isForwardingAllowed', ['true', 'false'] as const, 'false');
  const params: SipxCallParams = {
    sipMethod: oneOf(raw, 'sipMethod', ['REFER', 'INVITE'] as const, 'REFER'),
    action: oneOf(raw, 'action', ['call', 'transfer'] as const, 'call'),
    target: user(raw, 'target'),
    timeoutSeconds: seconds(raw, 'timeout', DEFAULT_TIMEOUT_SECONDS),
    agent: user(raw, 'agent'),
    subject,
    isForwardingAllowed: forwarding === 'true',
    resultCacheSeconds: seconds(raw, 'resultCacheTime', DEFAULT_RESULT_CACHE_SECONDS),
  };
  if (params.action === 'transfer' && !params.target) throw invalid('action=transfer needs a target');
  return params;
}
