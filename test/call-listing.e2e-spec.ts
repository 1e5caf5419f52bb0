import { getRepositoryToken } from '@nestjs/typeorm';
import { XMLParser } from 'fast-xml-parser';
import type { Repository } from 'typeorm';
import { CallEntity } from '../apps/platform/src/call-control/legs/call.entity';
import { CALL_STATUSES } from '../apps/platform/src/call-control/legs/call-status';
import { newSid } from '../apps/platform/src/common/sid';
import { buildCallLog, LOG_FROM, LOG_TO } from './factories/call-log.factory';
import { RunningPlatform, startPlatform } from './support/platform';

/**
 * GET /Calls against a brute-force computation over seeded call records: every filter and
 * inequality spelling, totals, page boundaries, empty and last pages, keyset continuation.
 */
describe('Calls API: listing, filters and paging', () => {
  let platform: RunningPlatform;
  let mine: CallEntity[];
  let others: CallEntity[];
  let listPath: string;

  const newestFirst = (a: CallEntity, b: CallEntity) =>
    b.dateCreated.getTime() - a.dateCreated.getTime() || (a.sid < b.sid ? 1 : a.sid > b.sid ? -1 : 0);
  const expected = (match: (call: CallEntity) => boolean) => mine.filter(match).sort(newestFirst);
  const sids = (calls: Array<{ sid: string }>) => calls.map((call) => call.sid);
  const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

  const get = (pathAndQuery: string) =>
    platform.http().get(pathAndQuery).auth(platform.accountSid, platform.authToken);
  const list = async (query: string) => (await get(`${listPath}?${query}`).expect(200)).body;
  const rejects = async (query: string, message: RegExp) => {
    const response = await get(`${listPath}?${query}`).expect(400);
    expect(response.body).toMatchObject({ code: 21000, status: 400 });
    expect(response.body.message).toMatch(message);
  };

  /** Follows next_page_uri from the first page, checking every page's metadata on the way. */
  async function walk(query: string, pageSize: number): Promise<string[]> {
    let body = await list(`${query}&PageSize=${pageSize}`);
    const total = body.total;
    const seen: string[] = [];
    for (let page = 0; ; page++) {
      expect(body).toMatchObject({ page, page_size: pageSize, total, start: page * pageSize });
      expect(body.num_pages).toBe(Math.ceil(total / pageSize));
      expect(body.calls.length).toBe(Math.min(pageSize, total - page * pageSize));
      if (body.calls.length > 0) expect(body.end).toBe(page * pageSize + body.calls.length - 1);
      seen.push(...sids(body.calls));
      if (!body.next_page_uri) break;
      expect(body.next_page_uri).toContain(
        `Page=${page + 1}&PageSize=${pageSize}&AfterSid=${seen[seen.length - 1]}`,
      );
      body = (await get(body.next_page_uri).expect(200)).body;
      expect(seen.length).toBeLessThan(total);
    }
    expect(seen).toHaveLength(total);
    return seen;
  }

  beforeAll(async () => {
    platform = await startPlatform();
    listPath = `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls.json`;
    mine = buildCallLog(platform.accountSid, 320, { seed: 7 });
    // Another account's calls at the same times: they must never show up.
    others = buildCallLog(newSid('AC'), 80, { seed: 8 });
    const repository = platform.app.get<Repository<CallEntity>>(getRepositoryToken(CallEntity));
    const all = [...mine, ...others];
    for (let i = 0; i < all.length; i += 50) await repository.insert(all.slice(i, i + 50));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('seeded data exercises ties, every status, children and midnight crossings', () => {
    const created = new Set(mine.map((call) => call.dateCreated.getTime()));
    expect(created.size).toBeLessThan(mine.length - 40);
    expect(new Set(mine.map((call) => call.status)).size).toBe(CALL_STATUSES.length);
    expect(mine.filter((call) => call.parentCallSid).length).toBeGreaterThan(20);
    expect(new Set(mine.map((call) => day(call.startTime))).size).toBeGreaterThan(8);
  });

  it('unfiltered: newest first with ties broken by sid, exact total, every offset page', async () => {
    const all = expected(() => true);
    const everything = await list('PageSize=1000');
    expect(everything.total).toBe(320);
    expect(sids(everything.calls)).toEqual(sids(all));
    expect(everything).toMatchObject({ page: 0, num_pages: 1, start: 0, end: 319, next_page_uri: null });

    const pageSize = 45; // 320 = 7 × 45 + 5: a short last page
    const first = await list(`PageSize=${pageSize}`);
    expect(first).toMatchObject({ num_pages: 8, previous_page_uri: null });
    expect(first.first_page_uri).toBe(`${listPath}?Page=0&PageSize=45`);
    expect(first.last_page_uri).toBe(`${listPath}?Page=7&PageSize=45`);
    for (let page = 0; page < 8; page++) {
      const body = await list(`Page=${page}&PageSize=${pageSize}`);
      expect(sids(body.calls)).toEqual(sids(all.slice(page * pageSize, (page + 1) * pageSize)));
      expect(body).toMatchObject({ page, start: page * pageSize, end: Math.min(319, page * pageSize + 44) });
      expect(body.uri).toBe(`${listPath}?Page=${page}&PageSize=45`);
      expect(body.previous_page_uri).toBe(page > 0 ? `${listPath}?Page=${page - 1}&PageSize=45` : null);
      if (page < 7)
        expect(body.next_page_uri).toBe(
          `${listPath}?Page=${page + 1}&PageSize=45&AfterSid=${body.calls[44].sid}`,
        );
      else expect(body.next_page_uri).toBeNull();
    }
    expect((await list(`Page=7&PageSize=${pageSize}`)).calls).toHaveLength(5);
    await rejects(`Page=8&PageSize=${pageSize}`, /Page 8 is beyond the last page \(7\) of 320 calls/);
    expect(await walk('', 45)).toEqual(sids(all));
    expect(await walk('', 1000)).toEqual(sids(all));
    expect((await walk('', 32)).length).toBe(320); // exact multiple: no empty trailing page
  });

  it('the default page size is 50 and the previous link leads back', async () => {
    const body = await list('Page=2');
    expect(body.page_size).toBe(50);
    expect(sids(body.calls)).toEqual(sids(expected(() => true).slice(100, 150)));
    const previous = (await get(body.previous_page_uri).expect(200)).body;
    expect(sids(previous.calls)).toEqual(sids(expected(() => true).slice(50, 100)));
  });

  const D = '2024-03-05';
  const startOf = (call: CallEntity) => day(call.startTime);
  const endOf = (call: CallEntity) => day(call.endTime);
  const filters: Array<[string, string, (call: CallEntity) => boolean]> = [
    ['To (SIP URI)', `To=${encodeURIComponent(LOG_TO[0])}`, (c) => c.to === LOG_TO[0]],
    ['To (number)', 'To=%2B15551230000', (c) => c.to === '+15551230000'],
    ['To (client)', 'To=alice', (c) => c.to === 'alice'],
    ['From, + as space', 'From=bob+smith', (c) => c.from === LOG_FROM[2]],
    ['From, %20', 'From=bob%20smith', (c) => c.from === LOG_FROM[2]],
    ...CALL_STATUSES.map((status): [string, string, (c: CallEntity) => boolean] => [
      `Status=${status}`,
      `Status=${status}`,
      (c) => c.status === status,
    ]),
    ['StartTime=day', `StartTime=${D}`, (c) => startOf(c) === D],
    ['StartTime>=day (raw)', `StartTime>=${D}`, (c) => !!c.startTime && startOf(c)! >= D],
    ['StartTime%3E%3D=day', `StartTime%3E%3D=${D}`, (c) => !!c.startTime && startOf(c)! >= D],
    ["Twilio's StartTime> (on or after)", `StartTime%3E=${D}`, (c) => !!c.startTime && startOf(c)! >= D],
    ['StartTime<=day (raw)', `StartTime<=${D}`, (c) => !!c.startTime && startOf(c)! <= D],
    ["Twilio's StartTime< (on or before)", `StartTime%3C=${D}`, (c) => !!c.startTime && startOf(c)! <= D],
    [
      'StartTime range',
      'StartTime>=2024-03-03&StartTime<=2024-03-06',
      (c) => !!c.startTime && startOf(c)! >= '2024-03-03' && startOf(c)! <= '2024-03-06',
    ],
    ['EndTime=day', `EndTime=${D}`, (c) => endOf(c) === D],
    ['EndTime>=day', `EndTime>=${D}`, (c) => !!c.endTime && endOf(c)! >= D],
    ['EndTime<=day', `EndTime%3C%3D=${D}`, (c) => !!c.endTime && endOf(c)! <= D],
    [
      'Status + StartTime range + To',
      `Status=completed&StartTime>=2024-03-02&StartTime<2024-03-08&To=alice`,
      (c) =>
        c.status === 'completed' &&
        !!c.startTime &&
        startOf(c)! >= '2024-03-02' &&
        startOf(c)! <= '2024-03-08' &&
        c.to === 'alice',
    ],
    ['To + From', 'To=%2B15551230001&From=carol', (c) => c.to === '+15551230001' && c.from === 'carol'],
    ['nothing matches', 'To=nobody', () => false],
    ['a day without calls', 'StartTime=2023-01-01', () => false],
  ];

  it.each(filters)(
    '%s: same calls as brute force, whole list and walked in pages',
    async (_name, query, match) => {
      const want = sids(expected(match));
      const body = await list(`${query}&PageSize=1000`);
      expect(body.total).toBe(want.length);
      expect(sids(body.calls)).toEqual(want);
      expect(await walk(query, 7)).toEqual(want);
      if (want.length === 0) {
        expect(body).toMatchObject({
          page: 0,
          num_pages: 0,
          start: 0,
          end: 0,
          next_page_uri: null,
          calls: [],
        });
        await rejects(`${query}&Page=1`, /Page 1 is beyond the last page \(0\) of 0 calls/);
      }
    },
  );

  it('ParentCallSid: the children of one call', async () => {
    const parent = mine.find((call) => mine.filter((child) => child.parentCallSid === call.sid).length >= 2)!;
    const want = sids(expected((c) => c.parentCallSid === parent.sid));
    expect(await walk(`ParentCallSid=${parent.sid}`, 1)).toEqual(want);
  });

  it('timestamps: StartTime=<instant> is that millisecond, bounds are inclusive', async () => {
    const pivot = expected((c) => !!c.startTime)[100].startTime!;
    const iso = pivot.toISOString();
    const at = (c: CallEntity) => c.startTime?.getTime();
    const exact = await list(`StartTime=${iso}&PageSize=1000`);
    expect(sids(exact.calls)).toEqual(sids(expected((c) => at(c) === pivot.getTime())));
    const upTo = await list(`StartTime<=${iso}&PageSize=1000`);
    expect(sids(upTo.calls)).toEqual(sids(expected((c) => !!c.startTime && at(c)! <= pivot.getTime())));
    // The same instant written with a +02:00 offset.
    const local = new Date(pivot.getTime() + 2 * 3600 * 1000).toISOString().replace('Z', '+02:00');
    const shifted = await list(`StartTime%3E%3D=${encodeURIComponent(local)}&PageSize=1000`);
    expect(sids(shifted.calls)).toEqual(sids(expected((c) => !!c.startTime && at(c)! >= pivot.getTime())));
  });

  it('filters travel on every page URI, in canonical spelling', async () => {
    const body = await list('PageSize=2&Page=1&Status=completed&StartTime>=2024-03-02&From=bob+smith');
    expect(body.total).toBeGreaterThan(4);
    const filters = '&Status=completed&StartTime%3E%3D=2024-03-02&From=bob%20smith';
    expect(body.uri).toBe(`${listPath}?Page=1&PageSize=2${filters}`);
    expect(body.first_page_uri).toBe(`${listPath}?Page=0&PageSize=2${filters}`);
    expect(body.previous_page_uri).toBe(`${listPath}?Page=0&PageSize=2${filters}`);
    expect(body.next_page_uri).toBe(`${listPath}?Page=2&PageSize=2&AfterSid=${body.calls[1].sid}${filters}`);
    expect(body.last_page_uri).toBe(`${listPath}?Page=${body.num_pages - 1}&PageSize=2${filters}`);
    const last = (await get(body.last_page_uri).expect(200)).body;
    expect(last.next_page_uri).toBeNull();
    expect(last.total).toBe(body.total);
    expect(sids(last.calls)).toEqual(
      sids(
        expected(
          (c) =>
            c.status === 'completed' &&
            !!c.startTime &&
            startOf(c)! >= '2024-03-02' &&
            c.from === 'bob smith',
        ),
      ).slice((body.num_pages - 1) * 2),
    );
  });

  it('AfterSid: the page after that call in the stable order, also within a tie and for a call outside the filter', async () => {
    const all = expected(() => true);
    const tie = all.findIndex(
      (call, i) => i > 0 && all[i - 1].dateCreated.getTime() === call.dateCreated.getTime(),
    );
    expect(tie).toBeGreaterThan(0);
    for (const index of [0, tie - 1, tie, 150, 318]) {
      const cursor = all[index].sid;
      const body = await list(`AfterSid=${cursor}&PageSize=10`);
      expect(sids(body.calls)).toEqual(sids(all.slice(index + 1, index + 11)));
      // Without Page, the position is looked up.
      expect(body).toMatchObject({ start: index + 1, page: Math.floor((index + 1) / 10), total: 320 });
    }
    const last = await list(`AfterSid=${all[319].sid}`);
    expect(last.calls).toEqual([]);
    expect(last.next_page_uri).toBeNull();

    const completed = expected((c) => c.status === 'completed');
    const outsider = all.find((call) => call.status !== 'completed')!;
    const after = await list(`Status=completed&AfterSid=${outsider.sid}&PageSize=1000`);
    expect(sids(after.calls)).toEqual(sids(completed.filter((call) => newestFirst(call, outsider) > 0)));

    // Page labels the keyset page; the next link continues from its last call.
    const labelled = await list(`Page=3&PageSize=20&AfterSid=${all[59].sid}`);
    expect(labelled).toMatchObject({ page: 3, start: 60, end: 79 });
    expect(sids(labelled.calls)).toEqual(sids(all.slice(60, 80)));
  });

  it('XML: RestComm attributes and escaped URIs', async () => {
    const response = await get(
      `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls?Status=busy&PageSize=3`,
    ).expect(200);
    expect(response.headers['content-type']).toMatch(/xml/);
    const want = expected((c) => c.status === 'busy');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(response.text);
    const calls = parsed.RestcommResponse.Calls;
    const xmlList = `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls`;
    expect(calls).toMatchObject({
      page: '0',
      numpages: String(Math.ceil(want.length / 3)),
      pagesize: '3',
      total: String(want.length),
      start: '0',
      end: '2',
      uri: `${xmlList}?Page=0&PageSize=3&Status=busy`,
      firstpageuri: `${xmlList}?Page=0&PageSize=3&Status=busy`,
      previouspageuri: 'null',
      nextpageuri: `${xmlList}?Page=1&PageSize=3&AfterSid=${want[2].sid}&Status=busy`,
      lastpageuri: `${xmlList}?Page=${Math.ceil(want.length / 3) - 1}&PageSize=3&Status=busy`,
    });
    expect(calls.Call.map((call: { Sid: string }) => call.Sid)).toEqual(sids(want.slice(0, 3)));
    expect(response.text).toContain('&amp;PageSize=3');
  });

  it.each([
    ['Status=done', /Status must be one of queued, ringing, in-progress/],
    ['StartTime=2024-13-01', /StartTime must be a date YYYY-MM-DD or an ISO 8601 timestamp/],
    ['StartTime>=last-week', /StartTime must be a date/],
    ['EndTime<=2024-02-30', /EndTime must be a date/],
    ['PageSize=0', /PageSize must be between 1 and 1000/],
    ['PageSize=1001', /PageSize must be between 1 and 1000/],
    ['Page=-1', /Page must be a whole number/],
    ['Page=7&PageSize=50', /Page 7 is beyond the last page \(6\) of 320 calls/],
    ['AfterSid=CA0123', /AfterSid must be a Call sid/],
    [`AfterSid=CA${'0'.repeat(32)}`, /AfterSid CA0{32} is not a call of this account/],
    ['ParentCallSid=CA1', /ParentCallSid must be a Call sid/],
    ['status=completed', /Unknown parameter status/],
    ['To=a&To=b', /To may be given only once/],
  ])('400 for %s', async (query, message) => rejects(query, message));

  it("400 for another account's call as AfterSid, in the RestComm XML error shape too", async () => {
    await rejects(`AfterSid=${others[0].sid}`, /is not a call of this account/);
    const xml = await get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls?Status=nope`).expect(
      400,
    );
    expect(xml.text).toMatch(/<RestException><Code>21000<\/Code><Message>Status must be one of/);
  });
});
