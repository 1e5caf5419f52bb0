import { DataSource } from 'typeorm';
import { buildCallEntity } from '../../../../../test/factories/call-entity.factory';
import { ConsoleLogin, consoleGet, consoleSignIn } from '../../../../../test/support/console-client';
import { RunningPlatform, startPlatform } from '../../../../../test/support/platform';
import { CallEntity } from '../../call-control/legs/call.entity';
import { CallStatus } from '../../call-control/legs/call-status';
import { newSid } from '../../common/sid';
import { FakeTelephonyGateway } from '../../telephony/testing/fake-telephony-gateway';
import { CallEventEntity } from '../call-event.entity';
import { percentile } from '../stats/console-stats-sql';

const FINAL = [
  CallStatus.Completed,
  CallStatus.Busy,
  CallStatus.Failed,
  CallStatus.NoAnswer,
  CallStatus.Canceled,
];
const MINUTE = 60_000;

/**
 * Medium tier on the real database (SQLite; PostgreSQL in medium-postgres): the call log is the Calls
 * API's listing with console links, the search finds CallSids and SIP Call-IDs, and the charts' SQL
 * counts what was seeded.
 */
describe('Console call log, search and charts', () => {
  let platform: RunningPlatform;
  let login: ConsoleLogin;
  let seeded: CallEntity[];
  const now = Date.now();

  beforeAll(async () => {
    platform = await startPlatform(
      { ARI_PASSWORD: 'medium-tests-use-no-ari' },
      { gateway: new FakeTelephonyGateway() },
    );
    login = await consoleSignIn(platform);
    const calls = platform.app.get(DataSource).getRepository(CallEntity);
    seeded = Array.from({ length: 130 }, (_, i) =>
      buildCallEntity({
        accountSid: platform.accountSid,
        status: FINAL[i % FINAL.length],
        to: i % 2 ? '+15550002222' : '+15550003333',
        duration: FINAL[i % FINAL.length] === CallStatus.Completed ? 10 + i : 0,
        answerTime: FINAL[i % FINAL.length] === CallStatus.Completed ? new Date(now - i * 20_000) : null,
        sipCallId: `call-${i}@pbx.example.com`,
        // Two per minute over the last 65 minutes: some fall out of a one-hour window.
        dateCreated: new Date(now - 15_000 - i * 30_000),
      }),
    );
    const others = [
      // Not finished: no chart counts it.
      buildCallEntity({
        accountSid: platform.accountSid,
        status: CallStatus.InProgress,
        dateCreated: new Date(now - MINUTE),
      }),
      // Another account's: nobody here sees it.
      buildCallEntity({
        status: CallStatus.Completed,
        sipCallId: 'call-1@pbx.example.com',
        dateCreated: new Date(now - MINUTE),
      }),
    ];
    await calls.insert([...seeded, ...others]);
  });

  afterAll(() => platform?.close());

  const api = (query: string) =>
    platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls.json${query}`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
  it('answers the Calls API’s own rows and paging, with links that lead back to the console', async () => {
    for (const query of ['?PageSize=50', '?PageSize=20&Status=completed', '?To=%2B15550002222&PageSize=25']) {
      const ours = (await consoleGet(platform, login, `/console/api/calls${query}`).expect(200)).body;
      const theirs = (await api(query)).body;
      expect(ours.calls).toEqual(theirs.calls);
      const link = (uri: string | null) =>
        uri &&
        uri.replace(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls.json`, '/console/api/calls');
      for (const key of ['uri', 'first_page_uri', 'next_page_uri', 'previous_page_uri', 'last_page_uri'])
        expect(ours[key]).toEqual(link(theirs[key]));
      for (const key of ['page', 'num_pages', 'page_size', 'total', 'start', 'end'])
        expect(ours[key]).toEqual(theirs[key]);
      // Following next_page_uri (keyset: AfterSid) gives the API's next page too.
      const next = (await consoleGet(platform, login, ours.next_page_uri).expect(200)).body;
      const apiNext = (await api(theirs.next_page_uri.slice(theirs.next_page_uri.indexOf('?')))).body;
      expect(next.calls.map((c: { sid: string }) => c.sid)).toEqual(
        apiNext.calls.map((c: { sid: string }) => c.sid),
      );
      expect(next.previous_page_uri).toMatch(/^\/console\/api\/calls\?/);
    }
  });

  it('shows the columns the log needs, and refuses bad filters as the API does', async () => {
    const { calls } = (await consoleGet(platform, login, '/console/api/calls?PageSize=1').expect(200)).body;
    expect(Object.keys(calls[0])).toEqual(
      expect.arrayContaining([
        'sid',
        'status',
        'direction',
        'from',
        'to',
        'start_time',
        'duration',
        'sip_response_code',
        'sip_call_id',
      ]),
    );
    for (const query of [
      '?Status=bogus',
      '?PageSize=0',
      '?AfterSid=CA' + '0'.repeat(32),
      '?StartTime%3E=yesterday',
      '?Page=999',
    ]) {
      const res = await consoleGet(platform, login, `/console/api/calls${query}`);
      expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_parameter']);
    }
  });

  it('finds a call by CallSid or by SIP Call-ID, only among the account’s calls', async () => {
    const bySid = await consoleGet(platform, login, `/console/api/calls/search?q=${seeded[3].sid}`).expect(
      200,
    );
    expect(bySid.body.calls.map((c: { sid: string }) => c.sid)).toEqual([seeded[3].sid]);
    const byCallId = await consoleGet(
      platform,
      login,
      '/console/api/calls/search?q=call-1%40pbx.example.com',
    ).expect(200);
    expect(byCallId.body.calls.map((c: { sid: string }) => c.sid)).toEqual([seeded[1].sid]);
    const none = await consoleGet(platform, login, `/console/api/calls/search?q=${newSid('CA')}`).expect(200);
    expect(none.body.calls).toEqual([]);
    for (const q of ['', '%20%20', 'x'.repeat(300)]) {
      const res = await consoleGet(platform, login, `/console/api/calls/search?q=${q}`);
      expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_parameter']);
    }
    await consoleGet(platform, login, '/console/api/calls/search').expect(400);
  });

  it('counts finished calls per minute by final status, ASR and average duration over the window', async () => {
    const res = await consoleGet(platform, login, '/console/api/stats?hours=1').expect(200);
    const stats = res.body;
    const from = Date.parse(stats.from);
    expect(Date.parse(stats.to) - from).toBe(3600_000);
    const inWindow = seeded.filter((call) => call.dateCreated.getTime() >= from);
    expect(inWindow.length).toBeGreaterThan(100);
    expect(inWindow.length).toBeLessThan(seeded.length);
    const expected = new Map<string, Record<string, number>>();
    for (const call of inWindow) {
      const minute = new Date(Math.floor(call.dateCreated.getTime() / MINUTE) * MINUTE).toISOString();
      const counts = expected.get(minute) ?? Object.fromEntries(FINAL.map((status) => [status, 0]));
      counts[call.status]++;
      expected.set(minute, counts);
    }
    const minutes = [...expected.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([minute, counts]) => ({ minute, ...counts }));
    expect(stats.callsPerMinute).toEqual(minutes);
    const completed = inWindow.filter((call) => call.status === CallStatus.Completed);
    expect(stats.totals.calls).toBe(inWindow.length);
    expect(stats.totals.answered).toBe(completed.length);
    expect(stats.totals.asr).toBeCloseTo(completed.length / inWindow.length, 6);
    const average = completed.reduce((sum, call) => sum + call.duration!, 0) / completed.length;
    expect(stats.totals.averageDurationSeconds).toBeCloseTo(average, 1);
  });

  it('gives webhook latency p50 and p95 per bucket from the stored webhook events', async () => {
    const events = platform.app.get(DataSource).getRepository(CallEventEntity);
    const latencies = Array.from({ length: 40 }, (_, i) => 5 + ((i * 37) % 200));
    const bucketStart = Math.floor((now - 30 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE;
    await events.insert(
      latencies.map((latencyMs, i) => ({
        callSid: seeded[i].sid,
        accountSid: platform.accountSid,
        at: new Date(bucketStart + 1000 + i * 1000),
        sequence: null,
        kind: 'webhook' as const,
        type: 'document',
        latencyMs,
        data: JSON.stringify({ method: 'POST', url: 'http://example.com/a', httpStatus: 200, failure: null }),
      })),
    );
    const { webhookLatency } = (await consoleGet(platform, login, '/console/api/stats?hours=6').expect(200))
      .body;
    const sorted = [...latencies].sort((a, b) => a - b);
    expect(webhookLatency).toEqual([
      {
        bucket: new Date(bucketStart).toISOString(),
        bucketMinutes: 5,
        count: 40,
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
      },
    ]);
    expect(percentile(sorted, 0.5)).toBe(sorted[19]);
    expect(percentile(sorted, 0.95)).toBe(sorted[37]);
  });

  it('refuses a bad window in the console error shape', async () => {
    for (const hours of ['0', '169', '1.5', 'abc', '-3']) {
      const res = await consoleGet(platform, login, `/console/api/stats?hours=${hours}`);
      expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_parameter']);
    }
    const unknown = await consoleGet(platform, login, '/console/api/stats?days=2');
    expect(unknown.status).toBe(400);
  });
});
