import { getRepositoryToken } from '@nestjs/typeorm';
import twilio from 'twilio';
import type { Repository } from 'typeorm';
import { CallEntity } from '../apps/platform/src/call-control/legs/call.entity';
import { newSid } from '../apps/platform/src/common/sid';
import { buildCallLog, LOG_TO } from './factories/call-log.factory';
import { farEndUri } from './factories/call-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/**
 * The SDK's own HTTP client, pointed at the local platform: every request the SDK builds for
 * `https://api.twilio.com` (including the next_page_uri it follows) goes to `base` instead, with the
 * Basic credentials, headers and form encoding the SDK chose.
 */
class LocalRequestClient extends twilio.RequestClient {
  readonly uris: string[] = [];

  constructor(private readonly base: string) {
    // No keep-alive: pooled sockets to the platform would outlive the test run.
    super({ keepAlive: false });
  }

  request<TData>(opts: RequestOptions & { data?: TData }) {
    const uri = opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.base);
    this.uris.push(uri);
    return super.request<TData>({ ...opts, uri });
  }
}

const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

describe('Twilio 2010-04-01 Calls API with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let httpClient: LocalRequestClient;
  let client: ReturnType<typeof twilio>;
  let seeded: CallEntity[];

  const newestFirst = (a: CallEntity, b: CallEntity) =>
    b.dateCreated.getTime() - a.dateCreated.getTime() || (a.sid < b.sid ? 1 : a.sid > b.sid ? -1 : 0);
  const expected = (match: (call: CallEntity) => boolean) => seeded.filter(match).sort(newestFirst);

  async function waitForStatus(sid: string, statuses: string[], timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const call = await client.calls(sid).fetch();
      if (statuses.includes(call.status)) return call;
      if (Date.now() > deadline) throw new Error(`Call ${sid} still ${call.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function restError(promise: Promise<unknown>) {
    try {
      await promise;
    } catch (error) {
      return error as { status: number; code: number; message: string; moreInfo: string };
    }
    throw new Error('expected the SDK to throw');
  }

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.on('/long.wav', { contentType: 'audio/x-wav', body: buildToneWav(20) });
    appServer.rcml('/start.xml', '<Response><Play loop="0">/long.wav</Play></Response>');
    appServer.rcml('/other.xml', '<Response><Play loop="0">/long.wav</Play></Response>');
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    httpClient = new LocalRequestClient(`http://127.0.0.1:${port}`);
    client = twilio(platform.accountSid, platform.authToken, { httpClient });

    // A call log for this account and some calls of another account with the same numbers.
    seeded = buildCallLog(platform.accountSid, 400, { seed: 11 });
    const foreign = buildCallLog(newSid('AC'), 40, { seed: 12 });
    const repository = platform.app.get<Repository<CallEntity>>(getRepositoryToken(CallEntity));
    const all = [...seeded, ...foreign];
    for (let i = 0; i < all.length; i += 50) await repository.insert(all.slice(i, i + 50));
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  it('create, fetch, redirect, complete and delete a live call', async () => {
    const created = await client.calls.create({
      to: farEndUri('answer'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/start.xml`,
      statusCallbackEvent: ['initiated', 'completed'],
    });
    expect(created.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created.status).toBe('queued');
    expect(created.apiVersion).toBe('2010-04-01');
    expect(created.accountSid).toBe(platform.accountSid);
    expect(created.to).toBe(farEndUri('answer'));
    expect(created.from).toBe('+15550001111');
    expect(created.uri).toBe(`/2010-04-01/Accounts/${platform.accountSid}/Calls/${created.sid}.json`);
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(Math.abs(created.dateCreated.getTime() - Date.now())).toBeLessThan(5000);

    const live = await waitForStatus(created.sid, ['in-progress']);
    expect(live.startTime).toBeInstanceOf(Date);
    expect(live.dateUpdated).toBeInstanceOf(Date);
    expect(live.endTime).toBeNull();
    expect(live.direction).toBe('outbound-api');
    await appServer.waitFor((r) => r.path === '/start.xml' && r.body.CallSid === created.sid, 5000);

    // A live call's record cannot be deleted.
    const refused = await restError(client.calls(created.sid).remove());
    expect(refused).toMatchObject({ status: 400, code: 21220 });

    const redirected = await client.calls(created.sid).update({ url: `${appServer.baseUrl}/other.xml` });
    expect(redirected.sid).toBe(created.sid);
    await appServer.waitFor((r) => r.path === '/other.xml' && r.body.CallSid === created.sid, 5000);
    expect((await client.calls(created.sid).fetch()).status).toBe('in-progress');

    const ended = await client.calls(created.sid).update({ status: 'completed' });
    expect(ended.status).toBe('completed');
    const finished = await waitForStatus(created.sid, FINAL);
    expect(finished.status).toBe('completed');
    expect(finished.endTime).toBeInstanceOf(Date);
    expect(finished.duration).toMatch(/^\d+$/);

    const finishedAgain = await restError(
      client.calls(created.sid).update({ url: `${appServer.baseUrl}/x` }),
    );
    expect(finishedAgain).toMatchObject({ status: 400, code: 21220 });

    expect(await client.calls(created.sid).remove()).toBe(true);
    const gone = await restError(client.calls(created.sid).fetch());
    expect(gone).toMatchObject({ status: 404, code: 20404 });
  });

  it('an unknown call is a RestException 404 with code 20404', async () => {
    const error = await restError(client.calls(newSid('CA')).fetch());
    expect(error.constructor.name).toBe('RestException');
    expect(error).toMatchObject({ status: 404, code: 20404 });
    expect(error.moreInfo).toBe('https://www.twilio.com/docs/errors/20404');
  });

  it('wrong credentials are 401 with code 20003; another account is 404', async () => {
    const wrong = twilio(platform.accountSid, 'not-the-token-0123456789', { httpClient });
    expect(await restError(wrong.calls.list({ limit: 1 }))).toMatchObject({ status: 401, code: 20003 });
    const foreign = await restError(client.api.v2010.accounts(newSid('AC')).calls.list({ limit: 1 }));
    expect(foreign).toMatchObject({ status: 404, code: 20404 });
  });

  it('create validation errors carry the Twilio codes', async () => {
    const missingTo = await restError(
      client.calls.create({ to: '', from: '+15550001111', url: `${appServer.baseUrl}/start.xml` }),
    );
    expect(missingTo).toMatchObject({ status: 400, code: 21201 });
    const badUrl = await restError(
      client.calls.create({ to: farEndUri('answer'), from: '+1555', url: 'nope' }),
    );
    expect(badUrl).toMatchObject({ status: 400, code: 21205 });
  });

  it('calls.list({ to, status, limit }) returns the newest matching calls', async () => {
    const to = LOG_TO[1];
    const want = expected((call) => call.to === to && call.status === 'completed');
    expect(want.length).toBeGreaterThan(5);
    const got = await client.calls.list({ to, status: 'completed', limit: 5 });
    expect(got.map((call) => call.sid)).toEqual(want.slice(0, 5).map((call) => call.sid));
    for (const call of got) {
      expect(call.to).toBe(to);
      expect(call.status).toBe('completed');
      expect(call.dateCreated).toBeInstanceOf(Date);
      expect(call.startTime).toBeInstanceOf(Date);
    }
    const first = want[0];
    expect(got[0].dateCreated.getTime()).toBe(Math.floor(first.dateCreated.getTime() / 1000) * 1000);
  });

  it('calls.each({ pageSize: 2 }) visits every matching record exactly once, following next_page_uri', async () => {
    const to = LOG_TO[3];
    const want = expected((call) => call.to === to).map((call) => call.sid);
    expect(want.length).toBeGreaterThan(20);
    const before = httpClient.uris.length;
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) =>
      client.calls.each({
        to,
        pageSize: 2,
        callback: (call) => void seen.push(call.sid),
        done: (error: Error | null) => (error ? reject(error) : resolve()),
      }),
    );
    expect(seen).toEqual(want);
    const requested = httpClient.uris.slice(before);
    expect(requested).toHaveLength(Math.ceil(want.length / 2));
    expect(requested.slice(1).every((uri) => /[?&]PageToken=PA[\w-]+/.test(uri))).toBe(true);
  });

  it('time-range filters and PageToken paging agree with a brute-force listing', async () => {
    const after = new Date('2024-03-03T00:00:00Z');
    const before = new Date('2024-03-07T12:00:00Z');
    const want = expected(
      (call) =>
        call.status === 'busy' &&
        call.startTime !== null &&
        call.startTime.getTime() >= after.getTime() &&
        call.startTime.getTime() <= before.getTime(),
    ).map((call) => call.sid);
    expect(want.length).toBeGreaterThan(4);
    const got = await client.calls.list({
      status: 'busy',
      startTimeAfter: after,
      startTimeBefore: before,
      pageSize: 3,
    });
    expect(got.map((call) => call.sid)).toEqual(want);

    // Page metadata as the SDK's Page sees it: the last page has no next_page_uri.
    let page = await client.calls.page({ status: 'busy', pageSize: 3 });
    const all = expected((call) => call.status === 'busy').map((call) => call.sid);
    const walked: string[] = [];
    for (let n = 0; ; n++) {
      expect(page.instances.length).toBeLessThanOrEqual(3);
      walked.push(...page.instances.map((call) => call.sid));
      if (!page.nextPageUrl) break;
      const next = await page.nextPage();
      if (!next) break;
      page = next as typeof page;
      expect(page.nextPageUrl === undefined || page.nextPageUrl.includes(`Page=${n + 2}`)).toBe(true);
    }
    expect(walked).toEqual(all);
  });

  it('raw JSON: Twilio field names, RFC 2822 dates, string duration, list metadata keys', async () => {
    const call = expected((c) => c.status === 'completed')[0];
    const base = `/2010-04-01/Accounts/${platform.accountSid}/Calls`;
    const fetched = await platform
      .http()
      .get(`${base}/${call.sid}.json`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(Object.keys(fetched.body).sort()).toEqual(
      [
        'sid',
        'date_created',
        'date_updated',
        'parent_call_sid',
        'account_sid',
        'to',
        'to_formatted',
        'from',
        'from_formatted',
        'phone_number_sid',
        'status',
        'start_time',
        'end_time',
        'duration',
        'price',
        'price_unit',
        'direction',
        'answered_by',
        'api_version',
        'forwarded_from',
        'group_sid',
        'caller_name',
        'queue_time',
        'trunk_sid',
        'uri',
        'subresource_uris',
      ].sort(),
    );
    const rfc2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
    expect(fetched.body.date_created).toMatch(rfc2822);
    expect(fetched.body.start_time).toMatch(rfc2822);
    expect(fetched.body.end_time).toMatch(rfc2822);
    expect(new Date(fetched.body.end_time).getTime()).toBe(Math.floor(call.endTime!.getTime() / 1000) * 1000);
    expect(fetched.body).toMatchObject({
      duration: String(call.duration),
      api_version: '2010-04-01',
      uri: `${base}/${call.sid}.json`,
      answered_by: null,
      group_sid: null,
    });

    const listed = await platform
      .http()
      .get(`${base}.json?PageSize=2&Status=completed`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(Object.keys(listed.body).sort()).toEqual(
      [
        'calls',
        'uri',
        'first_page_uri',
        'next_page_uri',
        'previous_page_uri',
        'page',
        'page_size',
        'start',
        'end',
      ].sort(),
    );
    expect(listed.body).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, previous_page_uri: null });
    expect(listed.body.next_page_uri).toMatch(
      /^\/2010-04-01\/Accounts\/AC\w+\/Calls\.json\?PageSize=2&Page=1&PageToken=PA/,
    );
  });

  it('bad list parameters are 400 in Twilio shape', async () => {
    const error = await restError(client.calls.list({ status: 'nonsense' as never, limit: 1 }));
    expect(error).toMatchObject({ status: 400, code: 21000 });
    const token = await restError(client.calls.page({ pageToken: 'PAbogus', pageSize: 2 }));
    expect(token).toMatchObject({ status: 400, code: 21000 });
  });
});
