import { AccountsService } from '../apps/platform/src/accounts/accounts.service';
import { NotificationsService } from '../apps/platform/src/notifications/notifications.service';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';

const PAUSE_THEN_HANGUP = '<Response><Pause length="2"/><Hangup/></Response>';

describe('Calls API: real calls through Asterisk', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
    calls = new CallsClient(platform);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  it('answer: queued → completed, fetches the RCML, reports the SIP Call-ID and sends the status callback', async () => {
    const url = appServer.rcml('/answer.xml', PAUSE_THEN_HANGUP);
    const statusCallback = appServer.on('/status', { status: 204 });
    const created = await calls
      .create(buildCallRequest({ To: farEndUri('answer'), Url: url, StatusCallback: statusCallback }))
      .expect(201);
    expect(created.body).toMatchObject({
      status: 'queued',
      direction: 'outbound-api',
      to: farEndUri('answer'),
      from: '+15550001111',
    });
    expect(created.body.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created.body.account_sid).toBe(platform.accountSid);
    expect(created.body.api_version).toBe('2012-04-24');
    expect(created.body.uri).toBe(
      `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${created.body.sid}.json`,
    );

    const call = await calls.waitForStatus(created.body.sid);
    expect(call.status).toBe('completed');
    expect(call.duration).toBeGreaterThanOrEqual(1);
    expect(call.sip_call_id).toEqual(expect.any(String));
    expect(call.sip_call_id.length).toBeGreaterThan(5);
    expect(call.sip_response_code).toBe(200);
    expect(new Date(call.end_time).getTime()).toBeGreaterThan(new Date(call.start_time).getTime());

    const [fetch] = appServer.requestsTo('/answer.xml');
    expect(fetch.method).toBe('POST');
    expect(fetch.body).toMatchObject({
      CallSid: call.sid,
      AccountSid: platform.accountSid,
      From: '+15550001111',
      To: farEndUri('answer'),
      CallStatus: 'in-progress',
      ApiVersion: '2012-04-24',
      Direction: 'outbound-api',
    });

    const callback = await appServer.waitFor((r) => r.path === '/status' && r.body.CallSid === call.sid);
    expect(callback.method).toBe('POST');
    expect(callback.body).toMatchObject({
      CallSid: call.sid,
      AccountSid: platform.accountSid,
      CallStatus: 'completed',
      CallDuration: String(call.duration),
      Direction: 'outbound-api',
      ApiVersion: '2012-04-24',
    });
  });

  it('uses GET with query parameters when Method and StatusCallbackMethod are GET', async () => {
    const url = appServer.rcml('/get.xml', '<Response><Hangup/></Response>');
    const statusCallback = appServer.on('/status-get', { status: 200 });
    const created = await calls
      .create(
        buildCallRequest({
          Url: url,
          Method: 'get',
          StatusCallback: statusCallback,
          StatusCallbackMethod: 'GET',
        }),
      )
      .expect(201);
    await calls.waitForStatus(created.body.sid);
    const [fetch] = appServer.requestsTo('/get.xml');
    expect(fetch.method).toBe('GET');
    expect(fetch.query).toMatchObject({ CallSid: created.body.sid, CallStatus: 'in-progress' });
    const callback = await appServer.waitFor((r) => r.path === '/status-get');
    expect(callback.method).toBe('GET');
    expect(callback.query).toMatchObject({
      CallSid: created.body.sid,
      CallStatus: 'completed',
      CallDuration: expect.any(String),
    });
  });

  it('busy: ends busy with SIP 486 and never fetches the RCML', async () => {
    const url = appServer.rcml('/busy.xml', PAUSE_THEN_HANGUP);
    const created = await calls.create(buildCallRequest({ To: farEndUri('busy'), Url: url })).expect(201);
    const call = await calls.waitForStatus(created.body.sid);
    expect(call).toMatchObject({ status: 'busy', sip_response_code: 486, duration: 0 });
    expect(appServer.requestsTo('/busy.xml')).toHaveLength(0);
  });

  it('noanswer with Timeout=3: ends no-answer after about three seconds', async () => {
    const started = Date.now();
    const created = await calls
      .create(
        buildCallRequest({
          To: farEndUri('noanswer'),
          Url: appServer.rcml('/noanswer.xml', PAUSE_THEN_HANGUP),
          Timeout: '3',
        }),
      )
      .expect(201);
    const ringing = await calls.waitForStatus(created.body.sid, ['ringing']);
    expect(ringing.status).toBe('ringing');
    const call = await calls.waitForStatus(created.body.sid);
    const elapsed = Date.now() - started;
    expect(call.status).toBe('no-answer');
    expect(elapsed).toBeGreaterThanOrEqual(2900);
    expect(elapsed).toBeLessThan(6000);
  });

  it.each([
    ['unavailable', 480],
    ['congestion', 503],
  ])('%s: ends failed with SIP %i', async (user, code) => {
    const created = await calls
      .create(
        buildCallRequest({ To: farEndUri(user), Url: appServer.rcml(`/${user}.xml`, PAUSE_THEN_HANGUP) }),
      )
      .expect(201);
    const call = await calls.waitForStatus(created.body.sid);
    expect(call).toMatchObject({ status: 'failed', sip_response_code: code });
  });

  it('decline: a 603 from the callee is reported as busy', async () => {
    const created = await calls
      .create(
        buildCallRequest({
          To: farEndUri('decline'),
          Url: appServer.rcml('/decline.xml', PAUSE_THEN_HANGUP),
        }),
      )
      .expect(201);
    expect(await calls.waitForStatus(created.body.sid)).toMatchObject({
      status: 'busy',
      sip_response_code: 603,
    });
  });

  it('TCP: ;transport=tcp places the call over TCP (the far-end user only answers calls that arrive over TCP)', async () => {
    const url = appServer.rcml('/tcp.xml', '<Response><Pause length="1"/></Response>');
    const overTcp = await calls
      .create(buildCallRequest({ To: farEndUri('tcp-only', 'tcp'), Url: url }))
      .expect(201);
    expect(await calls.waitForStatus(overTcp.body.sid)).toMatchObject({
      status: 'completed',
      sip_response_code: 200,
    });
    const overUdp = await calls
      .create(buildCallRequest({ To: farEndUri('tcp-only', 'udp'), Url: url }))
      .expect(201);
    expect(await calls.waitForStatus(overUdp.body.sid)).toMatchObject({
      status: 'failed',
      sip_response_code: 488,
    });
  });

  it('records a warning for an unsupported verb, skips it and runs the rest', async () => {
    const url = appServer.rcml(
      '/unsupported.xml',
      '<Response><Dance/><Hangup/><Pause length="30"/></Response>',
    );
    const created = await calls.create(buildCallRequest({ Url: url })).expect(201);
    const call = await calls.waitForStatus(created.body.sid, undefined, 15000);
    expect(call.status).toBe('completed');
    const notifications = await platform.app
      .get(NotificationsService)
      .listForCall(platform.accountSid, call.sid);
    expect(notifications).toEqual([
      expect.objectContaining({
        errorCode: 12200,
        log: 1,
        requestUrl: url,
        requestMethod: 'POST',
        messageText: expect.stringContaining('Dance'),
      }),
    ]);
  });

  it('records a retrieval failure when the Url server fails, then hangs up', async () => {
    const url = appServer.on('/broken.xml', { status: 500, body: 'boom' });
    const created = await calls.create(buildCallRequest({ Url: url })).expect(201);
    const call = await calls.waitForStatus(created.body.sid, undefined, 15000);
    expect(call.status).toBe('completed');
    const notifications = await platform.app
      .get(NotificationsService)
      .listForCall(platform.accountSid, call.sid);
    expect(notifications).toEqual([
      expect.objectContaining({ errorCode: 11200, requestUrl: url, responseBody: 'boom' }),
    ]);
  });
});

describe('Calls API: validation, auth, isolation and formats', () => {
  let platform: RunningPlatform;
  let calls: CallsClient;
  const url = 'http://127.0.0.1:9/never-fetched.xml';

  beforeAll(async () => {
    platform = await startPlatform();
    calls = new CallsClient(platform);
  });

  afterAll(async () => {
    await platform?.close();
  });

  it.each([
    ['From missing', { From: undefined }, 21603, /From/],
    ['To missing', { To: undefined }, 21201, /To/],
    ['Url missing', { Url: undefined }, 21205, /Url/],
    ['To not a sip: URI', { To: '+15551234' }, 21211, /sip: URI/],
    ['To with a bad transport', { To: 'sip:bob@127.0.0.1;transport=sctp' }, 21211, /sip: URI/],
    ['Url not http', { Url: 'ftp://example.com/a.xml' }, 21205, /Url/],
    ['Method not GET/POST', { Method: 'PUT' }, 21000, /GET or POST/],
    ['Timeout out of range', { Timeout: '0' }, 21000, /Timeout/],
    ['Timeout not a number', { Timeout: 'soon' }, 21000, /Timeout/],
    ['an unknown parameter', { Colour: 'blue' }, 21000, /Colour/],
  ])('refuses %s with 400 in the error shape', async (_name, overrides, code, message) => {
    const response = await calls.create(buildCallRequest({ Url: url, ...overrides })).expect(400);
    expect(response.body).toEqual({
      code,
      message: expect.stringMatching(message),
      more_info: expect.any(String),
      status: 400,
    });
  });

  it('accepts JSON bodies as well as form bodies', async () => {
    const response = await platform
      .http()
      .post(calls.path())
      .auth(platform.accountSid, platform.authToken)
      .send({ From: 'alice', To: farEndUri('busy'), Url: url })
      .expect(201);
    expect(response.body.from).toBe('alice');
    await calls.waitForStatus(response.body.sid);
  });

  it('refuses malformed JSON with 400, not 500', async () => {
    const response = await platform
      .http()
      .post(calls.path())
      .auth(platform.accountSid, platform.authToken)
      .set('Content-Type', 'application/json')
      .send('{"From": ')
      .expect(400);
    expect(response.body).toMatchObject({
      code: expect.any(Number),
      message: expect.any(String),
      status: 400,
    });
  });

  it('returns 404 for an unknown call and for a malformed CallSid', async () => {
    const unknown = await calls.fetch('CA' + '0'.repeat(32)).expect(404);
    expect(unknown.body).toMatchObject({ code: 20404, status: 404 });
    await calls.fetch('not-a-sid').expect(404);
  });

  it('returns 401 for wrong or missing credentials', async () => {
    const wrong = await platform
      .http()
      .get(calls.path())
      .auth(platform.accountSid, 'wrong-token')
      .expect(401);
    expect(wrong.body).toMatchObject({ code: 20003, status: 401 });
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
    await platform.http().get(calls.path()).expect(401);
  });

  it("never shows one account's calls to another (404, not 403)", async () => {
    const created = await calls.create(buildCallRequest({ To: farEndUri('busy'), Url: url })).expect(201);
    const other = await platform.app.get(AccountsService).create('Other tenant');
    await platform
      .http()
      .get(calls.path(`/${created.body.sid}.json`, other.sid))
      .auth(other.sid, other.authToken)
      .expect(404);
    await platform
      .http()
      .get(calls.path(`/${created.body.sid}.json`))
      .auth(other.sid, other.authToken)
      .expect(404);
    const list = await platform
      .http()
      .get(calls.path('.json', other.sid))
      .auth(other.sid, other.authToken)
      .expect(200);
    expect(list.body.calls).toEqual([]);
    await calls.waitForStatus(created.body.sid);
  });

  it('serves XML by default and JSON with Accept: application/json, on every path spelling', async () => {
    const created = await calls.create(buildCallRequest({ To: farEndUri('busy'), Url: url })).expect(201);
    const sid = created.body.sid;
    const xml = await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${sid}`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(xml.headers['content-type']).toMatch(/xml/);
    expect(xml.text).toContain(`<RestcommResponse><Call><Sid>${sid}</Sid>`);
    expect(xml.text).toContain('<SubresourceUris><Notifications>');
    const json = await platform
      .http()
      .get(`/2012-04-24/Accounts/${platform.accountSid}/Calls/${sid}`)
      .set('Accept', 'application/json')
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(json.body.sid).toBe(sid);
    await calls.waitForStatus(sid);
  });

  it('lists calls newest first with Page and PageSize', async () => {
    const listing = await platform
      .http()
      .get(`${calls.path()}?PageSize=2&Page=0`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(listing.body.page_size).toBe(2);
    expect(listing.body.total).toBeGreaterThanOrEqual(3);
    expect(listing.body.calls).toHaveLength(2);
    const [first, second] = listing.body.calls;
    expect(new Date(first.date_created).getTime()).toBeGreaterThanOrEqual(
      new Date(second.date_created).getTime(),
    );
    expect(listing.body.next_page_uri).toContain('Page=1');
    const xml = await platform
      .http()
      .get(`${calls.path('')}?PageSize=1`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(xml.text).toMatch(/<Calls page="0" numpages="\d+" pagesize="1" total="\d+"/);
    await platform
      .http()
      .get(`${calls.path()}?PageSize=5000`)
      .auth(platform.accountSid, platform.authToken)
      .expect(400);
  });
});
