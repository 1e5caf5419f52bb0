import { XMLParser } from 'fast-xml-parser';
import twilio from 'twilio';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { buildIncomingNumberRequest } from './factories/incoming-number-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { callPlatformFromFarEnd } from './support/far-end';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

const RESTCOMM = '/restcomm/2012-04-24';
const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

describe('Accounts: subaccounts, statuses and the main-account rule', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let httpClient: LocalRequestClient;
  let main: ReturnType<typeof twilio>;

  const as = (sid: string, token: string) => twilio(sid, token, { httpClient });
  const restcomm = (path: string) => `${RESTCOMM}${path}`;

  /** A subaccount of the main account, through the RestComm API. */
  async function createSubaccount(friendlyName: string) {
    const response = await platform
      .http()
      .post(restcomm('/Accounts.json'))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ FriendlyName: friendlyName })
      .expect(201);
    return response.body as { sid: string; auth_token: string; [key: string]: unknown };
  }

  async function waitForCall(sid: string, token: string, callSid: string, statuses: string[]) {
    let last: any;
    await waitUntil(
      async () => {
        last = await as(sid, token).calls(callSid).fetch();
        return statuses.includes(last.status);
      },
      20000,
      `call ${callSid} to reach ${statuses.join('|')}`,
    );
    return last;
  }

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.on('/long.wav', { contentType: 'audio/x-wav', body: buildToneWav(20) });
    appServer.rcml('/long.xml', '<Response><Play loop="0">/long.wav</Play></Response>');
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    httpClient = new LocalRequestClient(`http://127.0.0.1:${port}`);
    main = as(platform.accountSid, platform.authToken);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  it('RestComm: the main account creates, lists, filters, fetches and updates subaccounts (XML and JSON)', async () => {
    const created = await createSubaccount('Tenant one');
    expect(created).toMatchObject({
      friendly_name: 'Tenant one',
      status: 'active',
      owner_account_sid: platform.accountSid,
      uri: `${RESTCOMM}/Accounts/${created.sid}.json`,
    });
    expect(created.sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(created.auth_token).toMatch(/^[0-9a-f]{32}$/);

    const xml = await platform
      .http()
      .post(restcomm('/Accounts'))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ FriendlyName: 'Tenant two' })
      .expect(201);
    const parsedXml = new XMLParser().parse(xml.text).RestcommResponse.Account;
    expect(parsedXml).toMatchObject({
      FriendlyName: 'Tenant two',
      Status: 'active',
      OwnerAccountSid: platform.accountSid,
    });

    const list = await platform
      .http()
      .get(restcomm('/Accounts.json'))
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    const sids = list.body.accounts.map((account: any) => account.sid);
    expect(sids[0]).toBe(platform.accountSid);
    expect(sids).toEqual(expect.arrayContaining([created.sid, parsedXml.Sid]));
    const filtered = await platform
      .http()
      .get(restcomm('/Accounts.json?FriendlyName=Tenant%20one'))
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(filtered.body.accounts.map((account: any) => account.sid)).toEqual([created.sid]);

    const updated = await platform
      .http()
      .post(restcomm(`/Accounts/${created.sid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ FriendlyName: 'Tenant 1', Status: 'suspended' })
      .expect(200);
    expect(updated.body).toMatchObject({ sid: created.sid, friendly_name: 'Tenant 1', status: 'suspended' });
    const suspended = await platform
      .http()
      .get(restcomm('/Accounts.json?Status=suspended'))
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(suspended.body.accounts.map((account: any) => account.sid)).toEqual([created.sid]);

    const refused = await platform
      .http()
      .post(restcomm(`/Accounts/${created.sid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Status: 'paused' })
      .expect(400);
    expect(refused.body).toMatchObject({ code: 21000, status: 400 });
  });

  it('RestComm: a subaccount fetches itself only, cannot create or change accounts', async () => {
    const sub = await createSubaccount('Self-viewer');
    const self = await platform
      .http()
      .get(restcomm(`/Accounts/${sub.sid}.json`))
      .auth(sub.sid, sub.auth_token)
      .expect(200);
    expect(self.body.sid).toBe(sub.sid);
    const list = await platform
      .http()
      .get(restcomm('/Accounts.json'))
      .auth(sub.sid, sub.auth_token)
      .expect(200);
    expect(list.body.accounts.map((account: any) => account.sid)).toEqual([sub.sid]);

    const mainPath = await platform
      .http()
      .get(restcomm(`/Accounts/${platform.accountSid}.json`))
      .auth(sub.sid, sub.auth_token)
      .expect(404);
    expect(mainPath.body.code).toBe(20404);
    const create = await platform
      .http()
      .post(restcomm('/Accounts'))
      .auth(sub.sid, sub.auth_token)
      .type('form')
      .send({ FriendlyName: 'x' })
      .expect(403);
    expect(new XMLParser().parse(create.text).RestcommResponse.RestException).toMatchObject({
      Code: 20403,
      Status: 403,
    });
    const reopen = await platform
      .http()
      .post(restcomm(`/Accounts/${sub.sid}.json`))
      .auth(sub.sid, sub.auth_token)
      .type('form')
      .send({ Status: 'active' })
      .expect(403);
    expect(reopen.body.code).toBe(20403);
  });

  it('Twilio SDK: create, list, fetch and update subaccounts; the main account cannot suspend itself', async () => {
    const created = await main.api.v2010.accounts.create({ friendlyName: 'SDK tenant' });
    expect(created).toMatchObject({
      friendlyName: 'SDK tenant',
      status: 'active',
      type: 'Full',
      ownerAccountSid: platform.accountSid,
    });
    expect(created.uri).toBe(`/2010-04-01/Accounts/${created.sid}.json`);
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(Math.abs(created.dateCreated.getTime() - Date.now())).toBeLessThan(5000);
    expect(created.subresourceUris.calls).toBe(`/2010-04-01/Accounts/${created.sid}/Calls.json`);

    const fetched = await main.api.v2010.accounts(created.sid).fetch();
    expect(fetched.authToken).toBe(created.authToken);
    const all = await main.api.v2010.accounts.list({ pageSize: 2 });
    expect(all.map((account) => account.sid)).toEqual(
      expect.arrayContaining([platform.accountSid, created.sid]),
    );
    const named = await main.api.v2010.accounts.list({ friendlyName: 'SDK tenant' });
    expect(named.map((account) => account.sid)).toEqual([created.sid]);

    const renamed = await main.api.v2010.accounts(created.sid).update({ friendlyName: 'SDK tenant 2' });
    expect(renamed.friendlyName).toBe('SDK tenant 2');
    const selfSuspend = await restError(
      main.api.v2010.accounts(platform.accountSid).update({ status: 'suspended' }),
    );
    expect(selfSuspend).toMatchObject({ status: 400, code: 21000 });
  });

  it("a suspended account's own credentials get 401/20005; the main account cannot place its calls either", async () => {
    const sub = await main.api.v2010.accounts.create({ friendlyName: 'To suspend' });
    const tenant = as(sub.sid, sub.authToken);
    expect(await tenant.calls.list({ limit: 1 })).toEqual([]);
    await main.api.v2010.accounts(sub.sid).update({ status: 'suspended' });

    expect(await restError(tenant.calls.list({ limit: 1 }))).toMatchObject({ status: 401, code: 20005 });
    const restcommAnswer = await platform
      .http()
      .get(restcomm(`/Accounts/${sub.sid}/Calls.json`))
      .auth(sub.sid, sub.authToken)
      .expect(401);
    expect(restcommAnswer.body).toMatchObject({ code: 20005, status: 401 });

    const viaMain = await restError(
      main.api.v2010.accounts(sub.sid).calls.create({
        to: farEndUri('answer'),
        from: '+15550001111',
        url: `${appServer.baseUrl}/long.xml`,
      }),
    );
    expect(viaMain).toMatchObject({ status: 403, code: 20403 });
    expect(viaMain.message).toBe(`Account ${sub.sid} is suspended; it cannot place calls`);
    // Reading stays possible for the main account, and reactivation restores the tenant.
    expect(await main.api.v2010.accounts(sub.sid).calls.list({ limit: 1 })).toEqual([]);
    await main.api.v2010.accounts(sub.sid).update({ status: 'active' });
    expect(await tenant.calls.list({ limit: 1 })).toEqual([]);
  });

  it("an inbound call to a suspended account's number is refused with SIP 403 and a notification", async () => {
    const sub = await createSubaccount('Inbound suspended');
    const number = buildIncomingNumberRequest({ VoiceUrl: `${appServer.baseUrl}/long.xml` });
    await platform
      .http()
      .post(restcomm(`/Accounts/${sub.sid}/IncomingPhoneNumbers.json`))
      .auth(sub.sid, sub.auth_token)
      .type('form')
      .send(number)
      .expect(201);
    await platform
      .http()
      .post(restcomm(`/Accounts/${sub.sid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Status: 'suspended' })
      .expect(200);

    await callPlatformFromFarEnd(number.PhoneNumber, 'answer');
    let notifications: any[] = [];
    await waitUntil(
      async () => {
        const response = await platform
          .http()
          .get(restcomm(`/Accounts/${sub.sid}/Notifications.json`))
          .auth(platform.accountSid, platform.authToken);
        notifications = response.body.notifications ?? [];
        return notifications.length > 0;
      },
      10000,
      'the refusal notification',
    );
    expect(notifications[0]).toMatchObject({ error_code: 20005 });
    expect(notifications[0].message_text).toContain('rejected with 403');
    expect(appServer.requestsTo('/long.xml').filter((r) => r.body.To === number.PhoneNumber)).toHaveLength(0);
    const calls = await platform
      .http()
      .get(restcomm(`/Accounts/${sub.sid}/Calls.json`))
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(calls.body.calls).toEqual([]);
  });

  it('closing an account hangs up its live calls, and closed is permanent', async () => {
    const sub = await main.api.v2010.accounts.create({ friendlyName: 'To close' });
    const tenant = as(sub.sid, sub.authToken);
    const call = await tenant.calls.create({
      to: farEndUri('answer'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/long.xml`,
    });
    await waitForCall(sub.sid, sub.authToken, call.sid, ['in-progress']);

    const closed = await main.api.v2010.accounts(sub.sid).update({ status: 'closed' });
    expect(closed.status).toBe('closed');
    const ended = await main.api.v2010.accounts(sub.sid).calls(call.sid).fetch();
    expect(FINAL).toContain(ended.status);
    expect(ended.status).toBe('completed');

    for (const change of [
      { status: 'active' },
      { status: 'suspended' },
      { friendlyName: 'again' },
    ] as const) {
      expect(await restError(main.api.v2010.accounts(sub.sid).update(change))).toMatchObject({
        status: 400,
        code: 21000,
      });
    }
    expect(await restError(tenant.calls.list({ limit: 1 }))).toMatchObject({ status: 401, code: 20005 });
  });

  it('a call created through the main account on a subaccount path belongs to the subaccount', async () => {
    const sub = await createSubaccount('Delegated');
    const created = await platform
      .http()
      .post(restcomm(`/Accounts/${sub.sid}/Calls.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send(buildCallRequest({ To: farEndUri('busy'), Url: `${appServer.baseUrl}/long.xml` }))
      .expect(201);
    expect(created.body.account_sid).toBe(sub.sid);
    const own = await platform
      .http()
      .get(restcomm(`/Accounts/${sub.sid}/Calls/${created.body.sid}.json`))
      .auth(sub.sid, sub.auth_token)
      .expect(200);
    expect(own.body.sid).toBe(created.body.sid);
    const mainList = await platform
      .http()
      .get(restcomm(`/Accounts/${platform.accountSid}/Calls.json`))
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(mainList.body.calls.map((c: any) => c.sid)).not.toContain(created.body.sid);
  });

  it('sets per-account limits through the Accounts API (main account only), and they hold at once', async () => {
    const tenant = await createSubaccount('Limited tenant');
    const update = (sid: string, token: string, fields: Record<string, string>) =>
      platform
        .http()
        .post(restcomm(`/Accounts/${tenant.sid}.json`))
        .auth(sid, token)
        .type('form')
        .send(fields);

    const changed = await update(platform.accountSid, platform.authToken, {
      Cps: '1',
      MaxQueuedCalls: '1',
    }).expect(200);
    expect(changed.body).toMatchObject({ cps: 1, max_queued_calls: 1, max_concurrent_calls: 200 });
    expect((await main.api.v2010.accounts(tenant.sid).fetch()).toJSON()).toBeDefined();

    const own = await update(tenant.sid, tenant.auth_token, { Cps: '1000' }).expect(403);
    expect(own.body.code).toBe(20403);
    const bad = await update(platform.accountSid, platform.authToken, { Cps: '0' }).expect(400);
    expect(bad.body.code).toBe(21000);

    // cps=1 and one queue place: the first call is dialed, the second waits, the third is refused.
    const place = () =>
      platform
        .http()
        .post(restcomm(`/Accounts/${tenant.sid}/Calls.json`))
        .auth(tenant.sid, tenant.auth_token)
        .type('form')
        .send(
          buildCallRequest({
            To: farEndUri('busy'),
            Url: appServer.rcml('/hangup.xml', '<Response><Hangup/></Response>'),
          }),
        );
    expect((await place()).status).toBe(201);
    expect((await place()).status).toBe(201);
    const refused = await place().expect(429);
    expect(refused.body.code).toBe(20429);
  });
});
