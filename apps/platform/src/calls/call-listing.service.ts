import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { PageMetaDto } from '../common/paging';
import { CallEntity } from '../call-control/legs/call.entity';
import type { CallListCriteria, CallListQuery, TimeRange } from './call-list-query';

export type SqlDialect = 'sqlite' | 'postgres';

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** Position after which a keyset page starts: the `date_created` exactly as stored, and the sid. */
export interface CallCursor {
  dateCreated: unknown;
  sid: string;
}

/**
 * Timestamps as the column stores them. TypeORM writes SQLite datetimes as UTC
 * 'YYYY-MM-DD HH:MM:SS.SSS' text, which compares correctly as a string only against the same format.
 */
export function timestampParam(dialect: SqlDialect, date: Date): string {
  const iso = date.toISOString();
  return dialect === 'sqlite' ? iso.slice(0, 10) + ' ' + iso.slice(11, 23) : iso;
}

/**
 * The SQL of one listing, shared by the service and the benchmark's raw baseline so both time the
 * same statements. Order: newest first by date_created, ties by sid, both DESC.
 *
 * - `count`: total of the filtered list (index-only on the indexes of migration 1763800000003);
 * - `page`: the sids of one page, PageSize + 1 of them so a next page is known without counting;
 *   keyset when a cursor is given: the calls after (X, Y) = (date_created, sid) of the cursor;
 * - `position` (cursor only): how many filtered calls come up to and including the cursor.
 */
export function buildCallListSql(
  dialect: SqlDialect,
  accountSid: string,
  criteria: CallListCriteria,
  page: { limit: number; offset: number; cursor?: CallCursor },
): { count: SqlQuery; page: SqlQuery; position?: SqlQuery } {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return dialect === 'sqlite' ? '?' : `$${params.length}`;
  };
  const where: string[] = [`account_sid = ${p(accountSid)}`];
  if (criteria.to !== undefined) where.push(`"to" = ${p(criteria.to)}`);
  if (criteria.from !== undefined) where.push(`"from" = ${p(criteria.from)}`);
  if (criteria.status !== undefined) where.push(`status = ${p(criteria.status)}`);
  if (criteria.parentCallSid !== undefined) where.push(`parent_call_sid = ${p(criteria.parentCallSid)}`);
  const range = (column: string, value?: TimeRange) => {
    if (!value) return;
    if (value.from) where.push(`${column} >= ${p(timestampParam(dialect, value.from))}`);
    // Nothing is stored past year 9999, and a 5-digit year would not compare as text.
    if (value.before && value.before.getUTCFullYear() <= 9999)
      where.push(`${column} < ${p(timestampParam(dialect, value.before))}`);
  };
  range('start_time', criteria.startTime);
  range('end_time', criteria.endTime);
  const filter = where.join(' AND ');
  const filterParams = [...params];

  const count = { sql: `SELECT COUNT(*) AS total FROM calls WHERE ${filter}`, params: filterParams };
  const order = 'ORDER BY date_created DESC, sid DESC';
  let position: SqlQuery | undefined;
  let pageSql: string;
  if (page.cursor) {
    const { dateCreated, sid } = page.cursor;
    // (date_created < X) OR (date_created = X AND sid < Y), with `date_created <= X` pulled out
    // so the planner sees a range on the index and starts there, instead of filtering from the top.
    const keyset = `date_created <= ${p(dateCreated)} AND (date_created < ${p(dateCreated)} OR sid < ${p(sid)})`;
    pageSql = `SELECT sid FROM calls WHERE ${filter} AND ${keyset} ${order} LIMIT ${p(page.limit)}`;
    const before: unknown[] = [...filterParams];
    const q = (value: unknown) => {
      before.push(value);
      return dialect === 'sqlite' ? '?' : `$${before.length}`;
    };
    position = {
      sql: `SELECT COUNT(*) AS total FROM calls WHERE ${filter} AND date_created >= ${q(dateCreated)} AND (date_created > ${q(dateCreated)} OR sid >= ${q(sid)})`,
      params: before,
    };
  } else {
    pageSql = `SELECT sid FROM calls WHERE ${filter} ${order} LIMIT ${p(page.limit)} OFFSET ${p(page.offset)}`;
  }
  return { count, page: { sql: pageSql, params: [...params] }, position };
}

export interface CallListResult {
  calls: CallEntity[];
  total: number;
  page: number;
  pageSize: number;
  start: number;
  /** Whether calls follow this page (known from fetching one more row than the page holds). */
  hasMore: boolean;
}

const invalid = (message: string) => new DomainError(DomainErrorCode.InvalidParameter, message);

/** `GET /Calls`: filtered, counted, offset or keyset paged; see call-list-query.ts for the parameters. */
@Injectable()
export class CallListingService {
  constructor(@InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>) {}

  private get dialect(): SqlDialect {
    return this.calls.manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  async list(accountSid: string, query: CallListQuery): Promise<CallListResult> {
    const { pageSize } = query;
    let cursor: CallCursor | undefined;
    if (query.afterSid) {
      const rows: Array<{ date_created: unknown }> = await this.calls.query(
        this.dialect === 'sqlite'
          ? 'SELECT date_created FROM calls WHERE sid = ? AND account_sid = ?'
          : 'SELECT date_created FROM calls WHERE sid = $1 AND account_sid = $2',
        [query.afterSid, accountSid],
      );
      if (rows.length === 0) throw invalid(`AfterSid ${query.afterSid} is not a call of this account`);
      cursor = { dateCreated: rows[0].date_created, sid: query.afterSid };
    }
    const sql = buildCallListSql(this.dialect, accountSid, query.criteria, {
      limit: pageSize + 1,
      offset: query.page * pageSize,
      cursor,
    });
    const total = Number((await this.calls.query(sql.count.sql, sql.count.params))[0].total);
    const lastPage = Math.max(Math.ceil(total / pageSize) - 1, 0);

    let page = query.page;
    let start = page * pageSize;
    if (sql.position && !query.pageGiven) {
      // AfterSid without Page: locate the cursor to label the page correctly.
      start = Number((await this.calls.query(sql.position.sql, sql.position.params))[0].total);
      page = Math.floor(start / pageSize);
    } else if (page > lastPage) {
      throw invalid(
        `Page ${page} is beyond the last page (${lastPage}) of ${total} calls at PageSize ${pageSize}`,
      );
    }

    const rows: Array<{ sid: string }> = await this.calls.query(sql.page.sql, sql.page.params);
    const sids = rows.map((row) => row.sid);
    const hasMore = sids.length > pageSize;
    const pageSids = sids.slice(0, pageSize);
    const calls = pageSids.length ? await this.calls.findBy({ sid: In(pageSids) }) : [];
    const bySid = new Map(calls.map((call) => [call.sid, call]));
    return {
      calls: pageSids.flatMap((sid) => bySid.get(sid) ?? []),
      total,
      page,
      pageSize,
      start,
      hasMore,
    };
  }
}

/** Page metadata; every URI carries the filters, next_page_uri continues with AfterSid (keyset). */
export function callListPageMeta(listUri: string, query: CallListQuery, result: CallListResult): PageMetaDto {
  const { total, page, pageSize, start, calls } = result;
  const numPages = Math.ceil(total / pageSize);
  const lastPage = Math.max(numPages - 1, 0);
  const filters = query.filterParams.map(([key, value]) => `&${encode(key)}=${encode(value)}`).join('');
  const uri = (n: number, afterSid?: string) =>
    `${listUri}?Page=${n}&PageSize=${pageSize}${afterSid ? `&AfterSid=${afterSid}` : ''}${filters}`;
  const last = calls[calls.length - 1];
  return {
    page,
    num_pages: numPages,
    page_size: pageSize,
    total,
    start,
    end: calls.length > 0 ? start + calls.length - 1 : start,
    uri: uri(page, query.afterSid),
    first_page_uri: uri(0),
    previous_page_uri: page > 0 ? uri(page - 1) : null,
    next_page_uri: result.hasMore && last ? uri(page + 1, last.sid) : null,
    last_page_uri: uri(lastPage),
  };
}

const encode = (text: string) => encodeURIComponent(text);
