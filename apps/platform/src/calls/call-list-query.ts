import { DomainError, DomainErrorCode } from '../common/domain-error';
import { sidPattern } from '../common/sid';
import { CALL_STATUSES, CallStatus } from '../call-control/legs/call-status';

/**
 * Query parameters of `GET /Accounts/{sid}/Calls`, parsed from the raw query string.
 *
 * The inequality filters cannot go through the global ValidationPipe: their names carry `>`/`<`,
 * and URL parsers (qs, URLSearchParams) split `StartTime>=2024-01-01` at the first `=`, giving the
 * key `StartTime>` and the value `2024-01-01`. Twilio's `StartTime>` (what its SDKs send, encoded
 * `StartTime%3E=...`) is that same parameter, documented as "on or after". So every spelling is read
 * here and mapped to two bounds:
 *
 *   StartTime>=D  StartTime>D  StartTime%3E=D  StartTime%3E%3D=D  StartTime%3ED  → on or after D
 *   StartTime<=D  StartTime<D  StartTime%3C=D  StartTime%3C%3D=D  StartTime%3CD  → on or before D
 *
 * (likewise EndTime). D is `YYYY-MM-DD` (a whole UTC day: "on or before" includes that day) or an
 * ISO 8601 timestamp (an instant, millisecond precision; no offset means UTC). `StartTime=D` is
 * that day (or that instant). Several bounds on one column intersect.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Half-open interval of instants `[from, before)`; either side may be open. */
export interface TimeRange {
  from?: Date;
  before?: Date;
}

export interface CallListCriteria {
  to?: string;
  from?: string;
  status?: CallStatus;
  parentCallSid?: string;
  startTime?: TimeRange;
  endTime?: TimeRange;
}

export interface CallListQuery {
  criteria: CallListCriteria;
  /** Zero-based page number; with AfterSid it only labels the page (start = page × pageSize). */
  page: number;
  /** False when the request had no Page parameter. */
  pageGiven: boolean;
  pageSize: number;
  afterSid?: string;
  /** The filters in canonical spelling, in request order, to carry on every page URI. */
  filterParams: Array<[string, string]>;
}

type Bound = 'eq' | 'ge' | 'le';
const TIME_KEY = /^(StartTime|EndTime)(>=|<=|>|<)?(.*)$/s;
const SINGLE_KEYS = ['To', 'From', 'Status', 'ParentCallSid', 'Page', 'PageSize', 'AfterSid'] as const;
type SingleKey = (typeof SINGLE_KEYS)[number];

const invalid = (message: string) => new DomainError(DomainErrorCode.InvalidParameter, message);

/** Splits a raw query string (`a=1&b=2`, no leading `?`) into decoded pairs, form-decoding `+`. */
export function splitQueryString(raw: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([decode(rawKey), decode(rawValue)]);
  }
  return pairs;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw invalid(`Malformed percent-encoding in query string: ${text}`);
  }
}

/** The query string of a request URL (`/path?x=1` → `x=1`). */
export function queryStringOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}

/** Parses and validates the list parameters; throws DomainError(InvalidParameter) with a clear message. */
export function parseCallListQuery(rawQuery: string): CallListQuery {
  const singles = new Map<SingleKey, string>();
  const filterParams: Array<[string, string]> = [];
  const times: Record<'StartTime' | 'EndTime', TimeRange> = { StartTime: {}, EndTime: {} };
  const timeGiven = { StartTime: false, EndTime: false };

  for (const [key, value] of splitQueryString(rawQuery)) {
    const time = TIME_KEY.exec(key);
    if (time) {
      const name = time[1] as 'StartTime' | 'EndTime';
      const op: string | undefined = time[2];
      const rest = time[3];
      let text = value;
      if (rest !== '') {
        // `StartTime>2024-01-01` or `StartTime%3E%3D2024-01-01`: the value rode in the key.
        if (!op || value !== '') throw invalid(`Unknown parameter ${key}`);
        text = rest;
      } else if (op && text.startsWith('=')) {
        // `StartTime%3E==2024-01-01`: one `=` too many, same meaning.
        text = text.slice(1);
      }
      const bound: Bound = !op ? 'eq' : op.startsWith('>') ? 'ge' : 'le';
      applyBound(times[name], name, bound, text);
      timeGiven[name] = true;
      filterParams.push([name + (bound === 'eq' ? '' : bound === 'ge' ? '>=' : '<='), text]);
      continue;
    }
    if (!(SINGLE_KEYS as readonly string[]).includes(key)) throw invalid(`Unknown parameter ${key}`);
    if (singles.has(key as SingleKey)) throw invalid(`${key} may be given only once`);
    singles.set(key as SingleKey, value);
    if (key === 'To' || key === 'From' || key === 'Status' || key === 'ParentCallSid')
      filterParams.push([key, value]);
  }

  const criteria: CallListCriteria = {};
  const to = singles.get('To');
  if (to !== undefined) {
    if (to === '') throw invalid('To must not be empty');
    criteria.to = to;
  }
  const from = singles.get('From');
  if (from !== undefined) {
    if (from === '') throw invalid('From must not be empty');
    criteria.from = from;
  }
  const status = singles.get('Status');
  if (status !== undefined) {
    if (!(CALL_STATUSES as string[]).includes(status))
      throw invalid(`Status must be one of ${CALL_STATUSES.join(', ')}; got '${status}'`);
    criteria.status = status as CallStatus;
  }
  const parent = singles.get('ParentCallSid');
  if (parent !== undefined) {
    if (!sidPattern('CA').test(parent))
      throw invalid('ParentCallSid must be a Call sid (CA followed by 32 hex digits)');
    criteria.parentCallSid = parent;
  }
  if (timeGiven.StartTime) criteria.startTime = times.StartTime;
  if (timeGiven.EndTime) criteria.endTime = times.EndTime;

  const pageText = singles.get('Page');
  const page = pageText === undefined ? 0 : wholeNumber('Page', pageText);
  const sizeText = singles.get('PageSize');
  const pageSize = sizeText === undefined ? DEFAULT_PAGE_SIZE : wholeNumber('PageSize', sizeText);
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE)
    throw invalid(`PageSize must be between 1 and ${MAX_PAGE_SIZE}; got ${sizeText}`);
  const afterSid = singles.get('AfterSid');
  if (afterSid !== undefined && !sidPattern('CA').test(afterSid))
    throw invalid('AfterSid must be a Call sid (CA followed by 32 hex digits)');

  return { criteria, page, pageGiven: pageText !== undefined, pageSize, afterSid, filterParams };
}

function wholeNumber(name: string, text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw invalid(`${name} must be a whole number 0 or greater; got '${text}'`);
  return Number(text);
}

function applyBound(range: TimeRange, name: string, bound: Bound, text: string): void {
  const instant = parseInstantOrDay(name, text);
  const lower = instant.start;
  const upper = new Date(instant.start.getTime() + instant.lengthMs);
  if (bound !== 'le' && (!range.from || lower > range.from)) range.from = lower;
  if (bound !== 'ge' && (!range.before || upper < range.before)) range.before = upper;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** `YYYY-MM-DD` → that UTC day; an ISO timestamp → that millisecond. */
export function parseInstantOrDay(name: string, text: string): { start: Date; lengthMs: number } {
  const fail = () =>
    invalid(
      `${name} must be a date YYYY-MM-DD or an ISO 8601 timestamp (YYYY-MM-DDTHH:MM:SS[.sss][Z|±HH:MM]); got '${text}'`,
    );
  const day = DAY.exec(text);
  if (day) {
    const [y, m, d] = day.slice(1).map(Number);
    return { start: checkedDate(y, m, d, 0, 0, 0, 0, 0, fail), lengthMs: DAY_MS };
  }
  const ts = TIMESTAMP.exec(text);
  if (!ts) throw fail();
  const [y, mo, d, h, mi] = ts.slice(1, 6).map(Number);
  const s = ts[6] === undefined ? 0 : Number(ts[6]);
  const ms = ts[7] === undefined ? 0 : Math.floor(Number(`0.${ts[7]}`) * 1000);
  let offsetMinutes = 0;
  const zone = ts[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 23 || om > 59) throw fail();
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  if (h > 23 || mi > 59 || s > 59) throw fail();
  return { start: checkedDate(y, mo, d, h, mi, s, ms, offsetMinutes, fail), lengthMs: 1 };
}

function checkedDate(
  y: number,
  m: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  offsetMinutes: number,
  fail: () => Error,
): Date {
  const local = new Date(Date.UTC(y, m - 1, d, h, mi, s, ms));
  local.setUTCFullYear(y); // Date.UTC maps years 0-99 to 1900-1999
  if (local.getUTCFullYear() !== y || local.getUTCMonth() !== m - 1 || local.getUTCDate() !== d) throw fail();
  const utc = new Date(local.getTime() - offsetMinutes * 60000);
  // Stored timestamps are fixed-width 'YYYY-MM-DD ...' strings: stay within years 1-9999.
  if (utc.getUTCFullYear() < 1 || utc.getUTCFullYear() > 9999) throw fail();
  return utc;
}
