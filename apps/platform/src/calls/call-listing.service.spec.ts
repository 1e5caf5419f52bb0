import { buildCallEntity } from '../../../../test/factories/call-entity.factory';
import { parseCallListQuery } from './call-list-query';
import { buildCallListSql, callListPageMeta, timestampParam } from './call-listing.service';

const ACCOUNT = 'AC' + '1'.repeat(32);
const SID = 'CA' + 'b'.repeat(32);

describe('timestampParam', () => {
  it('matches what TypeORM stores in SQLite, and ISO for PostgreSQL', () => {
    const date = new Date('2024-03-04T05:06:07.089Z');
    expect(timestampParam('sqlite', date)).toBe('2024-03-04 05:06:07.089');
    expect(timestampParam('postgres', date)).toBe('2024-03-04T05:06:07.089Z');
  });
});

describe('buildCallListSql', () => {
  it('offset page: filters in count and page, one row more than the page', () => {
    const { criteria } = parseCallListQuery(
      'To=a&From=b&Status=busy&StartTime>=2024-01-01&StartTime<=2024-01-31&EndTime=2024-01-02',
    );
    const sql = buildCallListSql('sqlite', ACCOUNT, criteria, { limit: 51, offset: 100 });
    const filter =
      'account_sid = ? AND "to" = ? AND "from" = ? AND status = ? AND start_time >= ? AND start_time < ? AND end_time >= ? AND end_time < ?';
    const values = [
      ACCOUNT,
      'a',
      'b',
      'busy',
      '2024-01-01 00:00:00.000',
      '2024-02-01 00:00:00.000',
      '2024-01-02 00:00:00.000',
      '2024-01-03 00:00:00.000',
    ];
    expect(sql.count).toEqual({ sql: `SELECT COUNT(*) AS total FROM calls WHERE ${filter}`, params: values });
    expect(sql.page).toEqual({
      sql: `SELECT sid FROM calls WHERE ${filter} ORDER BY date_created DESC, sid DESC LIMIT ? OFFSET ?`,
      params: [...values, 51, 100],
    });
    expect(sql.position).toBeUndefined();
  });

  it('keyset page: (date_created < X) OR (date_created = X AND sid < Y), in index-range form; the cursor position', () => {
    const cursor = { dateCreated: '2024-01-05 10:00:00.000', sid: SID };
    const sql = buildCallListSql('sqlite', ACCOUNT, {}, { limit: 11, offset: 0, cursor });
    expect(sql.page).toEqual({
      sql:
        'SELECT sid FROM calls WHERE account_sid = ? AND date_created <= ? AND (date_created < ? OR sid < ?) ' +
        'ORDER BY date_created DESC, sid DESC LIMIT ?',
      params: [ACCOUNT, cursor.dateCreated, cursor.dateCreated, SID, 11],
    });
    expect(sql.position).toEqual({
      sql: 'SELECT COUNT(*) AS total FROM calls WHERE account_sid = ? AND date_created >= ? AND (date_created > ? OR sid >= ?)',
      params: [ACCOUNT, cursor.dateCreated, cursor.dateCreated, SID],
    });
  });

  it('numbers PostgreSQL placeholders', () => {
    const { criteria } = parseCallListQuery(`ParentCallSid=${SID}`);
    const sql = buildCallListSql('postgres', ACCOUNT, criteria, { limit: 2, offset: 0 });
    expect(sql.page.sql).toBe(
      'SELECT sid FROM calls WHERE account_sid = $1 AND parent_call_sid = $2 ORDER BY date_created DESC, sid DESC LIMIT $3 OFFSET $4',
    );
  });

  it('drops an upper bound past year 9999', () => {
    const { criteria } = parseCallListQuery('StartTime<=9999-12-31');
    expect(buildCallListSql('sqlite', ACCOUNT, criteria, { limit: 1, offset: 0 }).count.sql).toBe(
      'SELECT COUNT(*) AS total FROM calls WHERE account_sid = ?',
    );
  });
});

describe('callListPageMeta', () => {
  const list = '/restcomm/2012-04-24/Accounts/AC1/Calls.json';
  const calls = [buildCallEntity({ sid: 'CA' + '9'.repeat(32) }), buildCallEntity({ sid: SID })];

  it('keyset next page carrying the filters; offset previous, first and last pages', () => {
    const query = parseCallListQuery('Page=1&PageSize=2&From=%2B1555&StartTime>=2024-01-01');
    const meta = callListPageMeta(list, query, {
      calls,
      total: 7,
      page: 1,
      pageSize: 2,
      start: 2,
      hasMore: true,
    });
    const filters = '&From=%2B1555&StartTime%3E%3D=2024-01-01';
    expect(meta).toEqual({
      page: 1,
      num_pages: 4,
      page_size: 2,
      total: 7,
      start: 2,
      end: 3,
      uri: `${list}?Page=1&PageSize=2${filters}`,
      first_page_uri: `${list}?Page=0&PageSize=2${filters}`,
      previous_page_uri: `${list}?Page=0&PageSize=2${filters}`,
      next_page_uri: `${list}?Page=2&PageSize=2&AfterSid=${SID}${filters}`,
      last_page_uri: `${list}?Page=3&PageSize=2${filters}`,
    });
  });

  it('empty first page: no previous or next page, last page 0', () => {
    const query = parseCallListQuery('');
    const meta = callListPageMeta(list, query, {
      calls: [],
      total: 0,
      page: 0,
      pageSize: 50,
      start: 0,
      hasMore: false,
    });
    expect(meta).toMatchObject({
      num_pages: 0,
      start: 0,
      end: 0,
      previous_page_uri: null,
      next_page_uri: null,
      last_page_uri: `${list}?Page=0&PageSize=50`,
    });
  });
});
