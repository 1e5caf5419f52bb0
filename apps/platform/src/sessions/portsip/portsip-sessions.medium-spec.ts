import { HttpRecorder } from '../../../../../test/support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from '../../../../../test/support/platform';
import { CallControl } from '../../call-control/call-control.service';
import { ConversationRegistry } from '../../call-control/conversations/conversation-registry';
import { FakeTelephonyGateway } from '../../telephony/testing/fake-telephony-gateway';

/**
 * The PortSIP-style `/api` facade on the whole application (real SQLite, fake gateway): its OAuth
 * tokens, and sessions as views of the core's conversations.
 */
describe('PortSIP-style /api: tokens and sessions', () => {
  let platform: RunningPlatform;
  let gateway: FakeTelephonyGateway;
  let appServer: HttpRecorder;
  let dialUrl: string;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    dialUrl = appServer.rcml(
      '/dial.xml',
      '<Response><Dial><Sip>sip:bob@127.0.0.1:5999</Sip></Dial></Response>',
    );
    gateway = new FakeTelephonyGateway();
    platform = await startPlatform(
      { ARI_PASSWORD: 'medium-tests-use-no-ari', ACCESS_TOKEN_TTL_S: '2' },
      { gateway },
    );
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const login = (fields: Record<string, string>) =>
    platform.http().post('/api/login/oauth/token').type('form').send(fields);
  const passwordGrant = () =>
    login({
      grant_type: 'password',
      username: platform.accountSid,
      password: platform.authToken,
      scope: 'all',
      client_id: '9d806019-75b2-4b3d-bb8b-f5a3a412cc0a',
    });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** An API call whose RCML dials bob; both far ends answer: one conversation of two parties. */
  async function dialConversation(): Promise<string> {
    const before = gateway.originated.length;
    const created = await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ To: 'sip:alice@127.0.0.1:5998', From: '+15550001111', Url: dialUrl })
      .expect(201);
    await waitUntil(() => gateway.originated.length > before, 5000, 'the caller leg');
    gateway.answerLeg(gateway.originated[before].channelId);
    await waitUntil(() => gateway.originated.length > before + 1, 5000, 'the Dial leg');
    const callee = gateway.originated[before + 1].channelId;
    gateway.answerLeg(callee);
    await waitUntil(() => gateway.bridgeOf(callee) !== null, 5000, 'the bridge');
    return created.body.sid as string;
  }

  it('grants, refreshes and revokes Bearer tokens in the OAuth shape PortSIP uses', async () => {
    const granted = await passwordGrant().expect(200);
    expect(granted.body).toMatchObject({ token_type: 'Bearer', expires_in: 2 });
    expect(granted.body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await platform.http().get('/api/sessions').set(bearer(granted.body.access_token)).expect(200);

    const refreshed = await login({
      grant_type: 'refresh_token',
      refresh_token: granted.body.refresh_token,
    }).expect(200);
    // The refreshed grant replaces the old one: the old tokens no longer work.
    await platform.http().get('/api/sessions').set(bearer(granted.body.access_token)).expect(401);
    await login({ grant_type: 'refresh_token', refresh_token: granted.body.refresh_token }).expect(401);

    await platform
      .http()
      .post('/api/login/oauth/revoke')
      .set(bearer(refreshed.body.access_token))
      .expect(200);
    const revoked = await platform
      .http()
      .get('/api/sessions')
      .set(bearer(refreshed.body.access_token))
      .expect(401);
    expect(revoked.body).toEqual({ code: 20003, message: expect.any(String), status: 401 });
    expect(revoked.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('refuses wrong credentials, bad requests and expired tokens with 4xx in one shape', async () => {
    const wrong = await login({
      grant_type: 'password',
      username: platform.accountSid,
      password: 'nope',
    }).expect(401);
    expect(wrong.body).toMatchObject({ code: 20003, status: 401 });
    const bad = await login({ grant_type: 'client_credentials' }).expect(400);
    expect(bad.body).toMatchObject({ status: 400, message: expect.stringContaining('grant_type') });
    await login({ grant_type: 'password', username: platform.accountSid }).expect(400);
    await platform.http().get('/api/sessions').expect(401);
    await platform
      .http()
      .get('/api/sessions')
      .set({ Authorization: 'Bearer not-a-token-we-issued' })
      .expect(401);

    const granted = await passwordGrant().expect(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await platform.http().get('/api/sessions').set(bearer(granted.body.access_token)).expect(401);
  });

  it('lists a Dial conversation as a session with its two calls, shows a party held, and destroy ends both', async () => {
    const caller = await dialConversation();
    const { body: grant } = await passwordGrant().expect(200);
    const list = await platform.http().get('/api/sessions').set(bearer(grant.access_token)).expect(200);
    const session = list.body.items.find((item: { calls: Array<{ call_sid: string }> }) =>
      item.calls.some((call) => call.call_sid === caller),
    );
    expect(list.body.count).toBeGreaterThanOrEqual(1);
    expect(session.calls).toHaveLength(2);
    expect(session.calls[0]).toMatchObject({
      caller: '+15550001111',
      callee: 'sip:alice@127.0.0.1:5998',
      trunk: null,
      status: 'connected',
      held: false,
    });
    expect(session.calls[1]).toMatchObject({ callee: 'sip:bob@127.0.0.1:5999' });
    expect(new Date(session.calls[0].started_at).getTime()).toBeLessThanOrEqual(Date.now());

    const callee = session.calls[1].call_sid;
    await platform.app.get(CallControl).hold(callee);
    const one = await platform
      .http()
      .get(`/api/sessions/${session.id}`)
      .set(bearer(grant.access_token))
      .expect(200);
    expect(one.body.calls[1]).toMatchObject({ call_sid: callee, held: true });

    await platform
      .http()
      .post(`/api/sessions/${session.id}/destroy`)
      .set(bearer(grant.access_token))
      .expect(200);
    await waitUntil(
      () => platform.app.get(ConversationRegistry).find(session.id) === undefined,
      5000,
      'the session to end',
    );
    await platform.http().get(`/api/sessions/${session.id}`).set(bearer(grant.access_token)).expect(404);
  });

  it("answers 404 for an unknown session and for another account's", async () => {
    await dialConversation();
    const { body: grant } = await passwordGrant().expect(200);
    await platform.http().get('/api/sessions/cw-bridge-unknown').set(bearer(grant.access_token)).expect(404);
    const sub = await platform
      .http()
      .post(`/2010-04-01/Accounts.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ FriendlyName: 'Other tenant' })
      .expect(201);
    const other = await login({
      grant_type: 'password',
      username: sub.body.sid,
      password: sub.body.auth_token,
    }).expect(200);
    const theirs = await platform
      .http()
      .get('/api/sessions')
      .set(bearer(other.body.access_token))
      .expect(200);
    expect(theirs.body).toEqual({ count: 0, items: [] });
    const mine = (await platform.http().get('/api/sessions').set(bearer(grant.access_token))).body.items[0]
      .id;
    await platform.http().get(`/api/sessions/${mine}`).set(bearer(other.body.access_token)).expect(404);
    await platform
      .http()
      .post(`/api/sessions/${mine}/destroy`)
      .set(bearer(other.body.access_token))
      .expect(404);
  });
});
