import twilio from 'twilio';
import { farEndUri } from './factories/call-request.factory';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

describe('API keys and AuthToken rotation with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let httpClient: LocalRequestClient;
  let main: ReturnType<typeof twilio>;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.rcml('/hangup.xml', '<Response><Hangup/></Response>');
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    httpClient = new LocalRequestClient(`http://127.0.0.1:${port}`);
    main = twilio(platform.accountSid, platform.authToken, { httpClient });
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  it('twilio(apiKeySid, apiKeySecret, { accountSid }) places and lists calls as the account', async () => {
    const created = await main.newKeys.create({ friendlyName: 'ci' });
    expect(created.sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(created.friendlyName).toBe('ci');
    expect(created.dateCreated).toBeInstanceOf(Date);

    const withKey = twilio(created.sid, created.secret, { accountSid: platform.accountSid, httpClient });
    const call = await withKey.calls.create({
      to: farEndUri('busy'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/hangup.xml`,
    });
    expect(call.accountSid).toBe(platform.accountSid);
    await waitUntil(
      async () => FINAL.includes((await withKey.calls(call.sid).fetch()).status),
      20000,
      'the call to end',
    );
    expect((await withKey.calls.list({ limit: 20 })).map((c) => c.sid)).toContain(call.sid);
    // RestComm accepts the key as well.
    await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${call.sid}.json`)
      .auth(created.sid, created.secret)
      .expect(200);
  });

  it('keys are listed, fetched and renamed without their secret; a deleted key stops working at once', async () => {
    const created = await main.newKeys.create({ friendlyName: 'to delete' });
    const withKey = twilio(created.sid, created.secret, { accountSid: platform.accountSid, httpClient });
    expect(await withKey.calls.list({ limit: 1 })).toBeDefined();

    const listed = await main.keys.list();
    const entry = listed.find((key) => key.sid === created.sid)!;
    expect(entry).toMatchObject({ sid: created.sid, friendlyName: 'to delete' });
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const fetched = await main.keys(created.sid).fetch();
    expect(JSON.stringify(fetched.toJSON())).not.toContain(created.secret);
    expect((await main.keys(created.sid).update({ friendlyName: 'renamed' })).friendlyName).toBe('renamed');

    expect(await main.keys(created.sid).remove()).toBe(true);
    expect(await restError(withKey.calls.list({ limit: 1 }))).toMatchObject({ status: 401, code: 20003 });
    expect(await restError(main.keys(created.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
  });

  it('a key cannot manage keys, accounts or tokens (403/20403), and a wrong secret is 401', async () => {
    const created = await main.newKeys.create({ friendlyName: 'limited' });
    const withKey = twilio(created.sid, created.secret, { accountSid: platform.accountSid, httpClient });
    expect(await restError(withKey.newKeys.create({ friendlyName: 'more' }))).toMatchObject({
      status: 403,
      code: 20403,
    });
    expect(await restError(withKey.api.v2010.accounts.create({ friendlyName: 'x' }))).toMatchObject({
      status: 403,
      code: 20403,
    });
    expect(await restError(withKey.accounts.v1.secondaryAuthToken().create())).toMatchObject({
      status: 403,
      code: 20403,
    });
    const wrong = twilio(
      created.sid,
      created.secret.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')),
      { accountSid: platform.accountSid, httpClient },
    );
    expect(await restError(wrong.calls.list({ limit: 1 }))).toMatchObject({ status: 401, code: 20003 });
  });

  it("a subaccount's key acts on the subaccount only", async () => {
    const sub = await main.api.v2010.accounts.create({ friendlyName: 'Keyed tenant' });
    const key = await main.api.v2010.accounts(sub.sid).newKeys.create({ friendlyName: 'tenant key' });
    const withKey = twilio(key.sid, key.secret, { accountSid: sub.sid, httpClient });
    expect(await withKey.calls.list({ limit: 1 })).toEqual([]);
    const onMain = twilio(key.sid, key.secret, { accountSid: platform.accountSid, httpClient });
    expect(await restError(onMain.calls.list({ limit: 1 }))).toMatchObject({ status: 404, code: 20404 });
  });

  it('AuthToken rotation: a secondary token works beside the primary; promotion retires the old primary', async () => {
    const sub = await main.api.v2010.accounts.create({ friendlyName: 'Rotating' });
    const oldToken = sub.authToken;
    const tenant = twilio(sub.sid, oldToken, { httpClient });

    const secondary = await tenant.accounts.v1.secondaryAuthToken().create();
    expect(secondary.accountSid).toBe(sub.sid);
    expect(secondary.secondaryAuthToken).toMatch(/^[0-9a-f]{32}$/);
    expect(httpClient.uris.some((uri) => uri.endsWith('/v1/AuthTokens/Secondary'))).toBe(true);
    const withSecondary = twilio(sub.sid, secondary.secondaryAuthToken, { httpClient });
    expect(await withSecondary.calls.list({ limit: 1 })).toEqual([]);
    expect(await tenant.calls.list({ limit: 1 })).toEqual([]);

    const promoted = await withSecondary.accounts.v1.authTokenPromotion().update();
    expect(promoted).toMatchObject({ accountSid: sub.sid, authToken: secondary.secondaryAuthToken });
    expect(await restError(tenant.calls.list({ limit: 1 }))).toMatchObject({ status: 401, code: 20003 });
    expect(await withSecondary.calls.list({ limit: 1 })).toEqual([]);
    expect((await main.api.v2010.accounts(sub.sid).fetch()).authToken).toBe(secondary.secondaryAuthToken);
    // Nothing left to promote or delete.
    expect(await restError(withSecondary.accounts.v1.authTokenPromotion().update())).toMatchObject({
      status: 404,
    });

    const another = await withSecondary.accounts.v1.secondaryAuthToken().create();
    expect(await withSecondary.accounts.v1.secondaryAuthToken().remove()).toBe(true);
    const deleted = twilio(sub.sid, another.secondaryAuthToken, { httpClient });
    expect(await restError(deleted.calls.list({ limit: 1 }))).toMatchObject({ status: 401, code: 20003 });
  });

  it('webhooks stay signed with the primary token while a secondary exists', async () => {
    const sub = await main.api.v2010.accounts.create({ friendlyName: 'Signed' });
    const tenant = twilio(sub.sid, sub.authToken, { httpClient });
    const secondary = await tenant.accounts.v1.secondaryAuthToken().create();
    const url = `${appServer.baseUrl}/hangup.xml`;
    const call = await tenant.calls.create({ to: farEndUri('answer'), from: '+15550001111', url });
    const request = await appServer.waitFor(
      (r) => r.path === '/hangup.xml' && r.body.CallSid === call.sid,
      10000,
    );
    const signature = request.headers['x-twilio-signature'] as string;
    expect(twilio.validateRequest(sub.authToken, signature, url, request.body)).toBe(true);
    expect(twilio.validateRequest(secondary.secondaryAuthToken, signature, url, request.body)).toBe(false);
  });
});
