import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { sidPattern } from '../../common/sid';
import { type CallListQuery, parseCallListQuery, splitQueryString } from '../call-list-query';
import type { CallListResult } from '../call-listing.service';
import { toTwilioCallResponse, type TwilioCallResponseDto } from './twilio-call-response.dto';
import type { TwilioPageMeta } from '../../common/twilio-page';

/**
 * Twilio's list paging on top of the keyset listing: `PageToken` is an opaque token for the
 * position after which the page starts (today base64url of `after:<CallSid>`, i.e. RestComm's
 * AfterSid), so following `next_page_uri` costs what the first page costs.
 */
const TOKEN_PREFIX = 'after:';

export function encodePageToken(afterSid: string): string {
  return 'PA' + Buffer.from(TOKEN_PREFIX + afterSid, 'utf8').toString('base64url');
}

export function decodePageToken(token: string): string {
  const invalid = () =>
    new DomainError(DomainErrorCode.InvalidParameter, `PageToken '${token}' is not a valid page token`);
  if (!/^PA[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  const text = Buffer.from(token.slice(2), 'base64url').toString('utf8');
  if (!text.startsWith(TOKEN_PREFIX)) throw invalid();
  const sid = text.slice(TOKEN_PREFIX.length);
  if (!sidPattern('CA').test(sid)) throw invalid();
  return sid;
}

/**
 * Parses a raw Twilio list query string: the filters and Page/PageSize exactly as RestComm's
 * parser reads them (including `StartTime<`/`StartTime>` as the SDK sends them), plus PageToken.
 */
export function parseTwilioCallListQuery(rawQuery: string): CallListQuery {
  const kept: string[] = [];
  let token: string | undefined;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const [[key, value]] = splitQueryString(part);
    if (key === 'AfterSid')
      throw new DomainError(DomainErrorCode.InvalidParameter, 'Unknown parameter AfterSid; use PageToken');
    if (key !== 'PageToken') {
      kept.push(part);
      continue;
    }
    if (token !== undefined)
      throw new DomainError(DomainErrorCode.InvalidParameter, 'PageToken may be given only once');
    token = value;
  }
  const afterSid = token === undefined || token === '' ? undefined : decodePageToken(token);
  if (afterSid) kept.push(`AfterSid=${afterSid}`);
  return parseCallListQuery(kept.join('&'));
}

/** Twilio's list fields; the Calls list pages by PageToken (keyset), so its links are built below. */
export type TwilioCallPage = TwilioPageMeta & { calls: TwilioCallResponseDto[] };

/** Twilio spelling of the canonical filter names: `StartTime>=` → `StartTime>` (same meaning). */
const twilioFilterName = (name: string) => name.replace(/>=$/, '>').replace(/<=$/, '<');

export function toTwilioCallPage(
  listUri: string,
  query: CallListQuery,
  result: CallListResult,
): TwilioCallPage {
  const { page, pageSize, start, calls } = result;
  const filters = query.filterParams
    .map(([key, value]) => `&${encodeURIComponent(twilioFilterName(key))}=${encodeURIComponent(value)}`)
    .join('');
  const uri = (n: number, afterSid?: string) =>
    `${listUri}?PageSize=${pageSize}&Page=${n}${afterSid ? `&PageToken=${encodePageToken(afterSid)}` : ''}${filters}`;
  const last = calls[calls.length - 1];
  return {
    calls: calls.map(toTwilioCallResponse),
    uri: uri(page, query.afterSid),
    first_page_uri: uri(0),
    next_page_uri: result.hasMore && last ? uri(page + 1, last.sid) : null,
    previous_page_uri: page > 0 ? uri(page - 1) : null,
    page,
    page_size: pageSize,
    start,
    end: calls.length > 0 ? start + calls.length - 1 : start,
  };
}
