import { createHash } from 'node:crypto';
import { consoleGet, consolePost, consoleSignIn } from '../../../../../test/support/console-client';
import { RunningPlatform, startPlatform } from '../../../../../test/support/platform';
import { DataSource } from 'typeorm';
import { FakeTelephonyGateway } from '../../telephony/testing/fake-telephony-gateway';
import { ConsoleSessionEntity } from '../console-session.entity';

/**
 * Medium tier: the console's sign-in, cookie, CSRF and account switch on the whole application with its
 * real database (SQLite, or PostgreSQL in medium-postgres) and the fake gateway.
 */
describe('Console sessions (sign-in, cookie, CSRF, subaccounts, no secrets)', () => {
  let platform: RunningPlatform;
  let sub: { sid: string; auth_token: string };
  let foreign: { sid: string; auth_token: string };

  const twilio = (path: string) => `/2010-04-01/Accounts${path}`;

  beforeAll(async () => {
    platform = await startPlatform(
      { ARI_PASSWORD: 'medium-tests-use-no-ari', CONSOLE_SESSION_HOURS: '2' },
      { gateway: new FakeTelephonyGateway() },
    );
    const created = await platform
      .http()
      .post(twilio('.json'))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ FriendlyName: 'Support desk' })
      .expect(201);
    sub = created.body;
    // A subaccount of that subaccount's sibling tree cannot exist (one level), so "foreign" is a
    // subaccount the main account owns but the subaccount itself must not reach.
    const other = await platform
      .http()
      .post(twilio('.json'))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ FriendlyName: 'Sales' })
      .expect(201);
    foreign = other.body;
  });

  afterAll(() => platform?.close());

  it('signs in with AccountSid and AuthToken: an HttpOnly, SameSite=Strict cookie and a CSRF token', async () => {
    const login = await consoleSignIn(platform);
    expect(login.setCookie).toMatch(/^cw_console=[A-Za-z0-9_-]{43};/);
    expect(login.setCookie).toContain('HttpOnly');
    expect(login.setCookie).toContain('SameSite=Strict');
    expect(login.setCookie).toContain('Path=/console');
    expect(login.setCookie).toContain(`Max-Age=${2 * 3600}`);
    // Plain HTTP here: Secure would make the browser drop the cookie.
    expect(login.setCookie).not.toContain('Secure');
    expect(login.body).toMatchObject({
      credential: 'auth-token',
      user: { sid: platform.accountSid, parentSid: null },
      account: { sid: platform.accountSid },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(login.body.subaccounts.map((a: { sid: string }) => a.sid).sort()).toEqual(
      [sub.sid, foreign.sid].sort(),
    );
    expect(Date.parse(login.body.expiresAt) - Date.now()).toBeGreaterThan(2 * 3600 * 1000 - 60000);
  });

  it('marks the cookie Secure when the request came over HTTPS', async () => {
    const res = await platform
      .http()
      .post('/console/api/session')
      .set('X-Forwarded-Proto', 'https')
      .send({ accountSid: platform.accountSid, authToken: platform.authToken })
      .expect(201);
    expect(String(res.headers['set-cookie'])).toContain('; Secure');
  });

  it('never answers with a secret: no auth token of the account or its subaccounts', async () => {
    const login = await consoleSignIn(platform);
    const who = await consoleGet(platform, login, '/console/api/session').expect(200);
    for (const text of [JSON.stringify(login.body), JSON.stringify(who.body)]) {
      expect(text).not.toContain(platform.authToken);
      expect(text).not.toContain(sub.auth_token);
      expect(text).not.toContain(foreign.auth_token);
      expect(text).not.toMatch(/auth_?token/i);
    }
  });

  it('refuses wrong credentials and bad input in the console error shape, never 500', async () => {
    const wrong = await platform
      .http()
      .post('/console/api/session')
      .send({ accountSid: platform.accountSid, authToken: 'not-the-token' })
      .expect(401);
    expect(wrong.body).toEqual({
      error: { code: 'unauthenticated', message: expect.any(String), status: 401, apiCode: 20003 },
    });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const bodies: object[] = [
      {},
      { accountSid: platform.accountSid },
      { accountSid: 'ACnope', authToken: 'x' },
      { accountSid: platform.accountSid, authToken: platform.authToken, apiKeySid: 'SK' + '0'.repeat(32) },
      { accountSid: platform.accountSid, authToken: 42 },
      { accountSid: platform.accountSid, authToken: platform.authToken, admin: true },
    ];
    for (const body of bodies) {
      const res = await platform.http().post('/console/api/session').send(body);
      expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_parameter']);
    }
  });

  it('answers 401 without a session, and with a made-up or expired cookie', async () => {
    const none = await platform.http().get('/console/api/session').expect(401);
    expect(none.body.error.code).toBe('unauthenticated');
    await platform.http().get('/console/api/calls').set('Cookie', 'cw_console=made-up').expect(401);
    const login = await consoleSignIn(platform);
    await consoleGet(platform, login, '/console/api/calls').expect(200);
    // Only the id's hash is stored; expire the session server-side, as time would.
    const sessions = platform.app.get(DataSource).getRepository(ConsoleSessionEntity);
    const stored = await sessions.find();
    expect(JSON.stringify(stored)).not.toContain(login.cookie.split('=')[1]);
    const hash = createHash('sha256').update(login.cookie.split('=')[1]).digest('hex');
    expect(stored.map((row) => row.idHash)).toContain(hash);
    await sessions.update({ idHash: hash }, { expiresAt: new Date(Date.now() - 1000) });
    const expired = await consoleGet(platform, login, '/console/api/calls').expect(401);
    expect(expired.body.error.code).toBe('unauthenticated');
  });

  it('refuses a state-changing request without the right X-CSRF-Token', async () => {
    const login = await consoleSignIn(platform);
    const missing = await platform
      .http()
      .post('/console/api/session/account')
      .set('Cookie', login.cookie)
      .send({ accountSid: sub.sid })
      .expect(403);
    expect(missing.body.error).toMatchObject({ code: 'csrf_failed', status: 403 });
    await platform
      .http()
      .post('/console/api/session/account')
      .set('Cookie', login.cookie)
      .set(
        'X-CSRF-Token',
        login.csrf.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      )
      .send({ accountSid: sub.sid })
      .expect(403);
    // Another session's token is no good either.
    const other = await consoleSignIn(platform);
    await platform
      .http()
      .delete('/console/api/session')
      .set('Cookie', login.cookie)
      .set('X-CSRF-Token', other.csrf)
      .expect(403);
    await consoleGet(platform, login, '/console/api/session').expect(200);
  });

  it('switches into an own subaccount and back; the call log then lists that account', async () => {
    const login = await consoleSignIn(platform);
    const switched = await consolePost(platform, login, '/console/api/session/account', {
      accountSid: sub.sid,
    }).expect(200);
    expect(switched.body.account).toEqual({
      sid: sub.sid,
      friendlyName: 'Support desk',
      status: 'active',
      parentSid: platform.accountSid,
    });
    expect(switched.body.user.sid).toBe(platform.accountSid);
    expect((await consoleGet(platform, login, '/console/api/session')).body.account.sid).toBe(sub.sid);
    const calls = await consoleGet(platform, login, '/console/api/calls').expect(200);
    expect(calls.body.calls).toEqual([]);
    const back = await consolePost(platform, login, '/console/api/session/account', {
      accountSid: platform.accountSid,
    }).expect(200);
    expect(back.body.account.sid).toBe(platform.accountSid);
  });

  it('lets a subaccount reach neither its siblings nor its parent, and hides whether they exist', async () => {
    const login = await consoleSignIn(platform, { accountSid: sub.sid, authToken: sub.auth_token });
    expect(login.body.subaccounts).toEqual([]);
    for (const accountSid of [foreign.sid, platform.accountSid, 'AC' + 'f'.repeat(32)]) {
      const res = await consolePost(platform, login, '/console/api/session/account', { accountSid });
      expect([res.status, res.body.error?.code]).toEqual([404, 'not_found']);
    }
  });

  it('signs in with an API key, and the session ends when the key is deleted', async () => {
    const key = await platform
      .http()
      .post(twilio(`/${platform.accountSid}/Keys.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ FriendlyName: 'console' })
      .expect(201);
    const login = await consoleSignIn(platform, { apiKeySid: key.body.sid, apiKeySecret: key.body.secret });
    expect(login.body).toMatchObject({ credential: 'api-key', account: { sid: platform.accountSid } });
    expect(JSON.stringify(login.body)).not.toContain(key.body.secret);
    await platform
      .http()
      .post('/console/api/session')
      .send({ apiKeySid: key.body.sid, apiKeySecret: 'wrong' })
      .expect(401);
    await platform
      .http()
      .delete(twilio(`/${platform.accountSid}/Keys/${key.body.sid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .expect(204);
    await consoleGet(platform, login, '/console/api/session').expect(401);
  });

  it('ends a session once its account is suspended, and refuses a suspended account’s sign-in', async () => {
    const created = await platform
      .http()
      .post(twilio('.json'))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ FriendlyName: 'Soon suspended' })
      .expect(201);
    const login = await consoleSignIn(platform, {
      accountSid: created.body.sid,
      authToken: created.body.auth_token,
    });
    await platform
      .http()
      .post(twilio(`/${created.body.sid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Status: 'suspended' })
      .expect(200);
    await consoleGet(platform, login, '/console/api/session').expect(401);
    const again = await platform
      .http()
      .post('/console/api/session')
      .send({ accountSid: created.body.sid, authToken: created.body.auth_token })
      .expect(401);
    expect(again.body.error.code).toBe('account_not_active');
  });

  it('signs out: the cookie is cleared and the session is gone server-side', async () => {
    const login = await consoleSignIn(platform);
    const res = await platform
      .http()
      .delete('/console/api/session')
      .set('Cookie', login.cookie)
      .set('X-CSRF-Token', login.csrf)
      .expect(204);
    expect(String(res.headers['set-cookie'])).toMatch(/^cw_console=; .*Max-Age=0/);
    await consoleGet(platform, login, '/console/api/session').expect(401);
  });
});
