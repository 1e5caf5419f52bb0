import {
  ACCOUNT_SESSIONS,
  EXTENSION_SESSIONS,
  HookEndpoint,
  startSubscriptionsHarness,
  subscriptionApi,
  SubscriptionsHarness,
} from '../../../../../../test/support/ringcentral-subscriptions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * RingCentral's Subscription API on the whole application (real SQLite, a real receiver on loopback):
 * the Validation-Token handshake, SubscriptionInfo, filters and their refusals, renew, update, delete.
 */
describe('RingCentral-style /restapi/v1.0/subscription', () => {
  let h: SubscriptionsHarness;
  let paths = 0;
  const endpoint = () => new HookEndpoint(h.receiver, `/hook-${++paths}`);
  const api = (token = h.accountToken) => subscriptionApi(h.platform, token);
  const accountFilter = () => `/restapi/v1.0/account/${h.platform.accountSid}/telephony/sessions`;

  beforeAll(async () => {
    h = await startSubscriptionsHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('creates a subscription once the receiver echoes the Validation-Token, and shows it', async () => {
    const hook = endpoint();
    const { body } = await api()
      .create({
        eventFilters: [ACCOUNT_SESSIONS],
        deliveryMode: { transportType: 'WebHook', address: hook.url, verificationToken: 'my-secret-42' },
      })
      .expect(200);
    expect(body).toEqual({
      uri: expect.stringMatching(
        new RegExp(`^http://127\\.0\\.0\\.1:\\d+/restapi/v1\\.0/subscription/${body.id}$`),
      ),
      id: expect.stringMatching(UUID),
      creationTime: expect.any(String),
      status: 'Active',
      eventFilters: [accountFilter()],
      expirationTime: expect.any(String),
      expiresIn: expect.any(Number),
      deliveryMode: {
        transportType: 'WebHook',
        encryption: false,
        address: hook.url,
        verificationToken: 'my-secret-42',
      },
    });
    // RingCentral's default lifetime for a WebHook: a week.
    expect(body.expiresIn).toBeGreaterThanOrEqual(604_799);
    expect(Date.parse(body.expirationTime) - Date.parse(body.creationTime)).toBe(604_800_000);
    expect(hook.handshakes).toHaveLength(1);
    expect(hook.handshakes[0].method).toBe('POST');
    expect(String(hook.handshakes[0].headers['validation-token'])).toMatch(/^[A-Za-z0-9_-]{24,}$/);

    expect((await api().get(body.id).expect(200)).body).toMatchObject({ id: body.id, status: 'Active' });
    const list = await api().list().expect(200);
    expect(list.body.uri).toMatch(/\/restapi\/v1\.0\/subscription$/);
    expect(list.body.records.map((r: { id: string }) => r.id)).toContain(body.id);
  });

  it('refuses a receiver that does not echo the token, answers an error, or is too slow', async () => {
    const hook = endpoint();
    const create = () =>
      api().create({
        eventFilters: [ACCOUNT_SESSIONS],
        deliveryMode: { transportType: 'WebHook', address: hook.url },
      });
    hook.mode = 'no-echo';
    const silent = await create().expect(400);
    expect(silent.body).toEqual({
      errorCode: 'SUB-525',
      message: 'WebHook server response is invalid',
      errors: [
        {
          errorCode: 'SUB-525',
          message: 'WebHook server response is invalid',
          parameterName: 'deliveryMode.address',
        },
      ],
    });
    hook.mode = 'fail';
    hook.failStatus = 500;
    const failing = await create().expect(400);
    expect(failing.body).toMatchObject({
      errorCode: 'SUB-522',
      message: 'WebHook responds with incorrect HTTP status. HTTP status is 500',
    });
    hook.mode = 'ok';
    hook.delayMs = 3300;
    expect((await create().expect(400)).body.errorCode).toBe('SUB-525');
    hook.delayMs = 0;
    const nobody = await api()
      .create({
        eventFilters: [ACCOUNT_SESSIONS],
        deliveryMode: {
          transportType: 'WebHook',
          address: `${h.receiver.baseUrl.replace(/:\d+$/, ':9')}/closed`,
        },
      })
      .expect(400);
    expect(nobody.body.errorCode).toBe('SUB-525');
    expect(hook.handshakes).toHaveLength(3);
    const ids = (await api().list().expect(200)).body.records.map(
      (r: { deliveryMode: { address: string } }) => r.deliveryMode.address,
    );
    expect(ids).not.toContain(hook.url);
  });

  it.each([
    [
      'another account',
      ['/restapi/v1.0/account/AC0123456789abcdef0123456789abcdef/telephony/sessions'],
      403,
      'SUB-406',
    ],
    ['an extension-level ~ with an account token', [EXTENSION_SESSIONS], 401, 'CMN-405'],
    [
      'an extension that does not exist',
      [`/restapi/v1.0/account/~/extension/EX${'0'.repeat(32)}/telephony/sessions`],
      403,
      'SUB-408',
    ],
    ['another kind of event', ['/restapi/v1.0/account/~/extension/~/presence'], 400, 'CMN-101'],
    ['an unsupported filter parameter', [`${ACCOUNT_SESSIONS}?withRecordings=true`], 400, 'CMN-101'],
    ['no filter', [], 400, 'CMN-101'],
  ])('refuses a filter for %s', async (_what, eventFilters, status, errorCode) => {
    const hook = endpoint();
    const { body } = await api()
      .create({ eventFilters, deliveryMode: { transportType: 'WebHook', address: hook.url } })
      .expect(status);
    expect(body.errorCode).toBe(errorCode);
    expect(body.errors[0]).toMatchObject({ errorCode });
    if (status === 400) expect(body.errors[0].parameterName).toBe('eventFilters');
    expect(hook.handshakes).toEqual([]);
  });

  it('lets an agent subscribe to its own extension, by ~ or by id, and nothing wider', async () => {
    const hook = endpoint();
    const agentApi = api(h.agent.token);
    const own = `/restapi/v1.0/account/${h.platform.accountSid}/extension/${h.agent.sid}/telephony/sessions`;
    const { body } = await agentApi
      .create({
        eventFilters: [EXTENSION_SESSIONS, own],
        deliveryMode: { transportType: 'WebHook', address: hook.url },
      })
      .expect(200);
    expect(body.eventFilters).toEqual([own]);
    const wider = [
      ACCOUNT_SESSIONS,
      `/restapi/v1.0/account/~/extension/${h.otherExtensionSid}/telephony/sessions`,
    ];
    for (const filter of wider) {
      const refused = await agentApi
        .create({ eventFilters: [filter], deliveryMode: { transportType: 'WebHook', address: hook.url } })
        .expect(403);
      expect(refused.body.errorCode).toBe('CMN-408');
    }
    // The account token sees only its own subscriptions, and the agent only its own.
    const accountIds = (await api().list().expect(200)).body.records.map((r: { id: string }) => r.id);
    expect(accountIds).not.toContain(body.id);
    await api().get(body.id).expect(404);
    expect((await agentApi.list().expect(200)).body.records.map((r: { id: string }) => r.id)).toEqual([
      body.id,
    ]);
  });

  it.each([
    ['no deliveryMode', {}, 'deliveryMode'],
    [
      'another transport',
      { deliveryMode: { transportType: 'PubNub', address: 'http://x.test/' } },
      'deliveryMode.transportType',
    ],
    [
      'a relative address',
      { deliveryMode: { transportType: 'WebHook', address: '/hook' } },
      'deliveryMode.address',
    ],
    [
      'the ARI address',
      { deliveryMode: { transportType: 'WebHook', address: 'http://127.0.0.1:8088/ari/channels' } },
      'deliveryMode.address',
    ],
    [
      'a token with a space',
      { deliveryMode: { transportType: 'WebHook', address: 'http://x.test/', verificationToken: 'a b' } },
      'deliveryMode.verificationToken',
    ],
    [
      'a token too long',
      {
        deliveryMode: {
          transportType: 'WebHook',
          address: 'http://x.test/',
          validationToken: 'x'.repeat(65),
        },
      },
      'deliveryMode.validationToken',
    ],
    [
      'a zero lifetime',
      { expiresIn: 0, deliveryMode: { transportType: 'WebHook', address: 'http://x.test/' } },
      'expiresIn',
    ],
  ])('refuses %s with CMN-101 naming the parameter', async (_what, fields, parameterName) => {
    const { body } = await api()
      .create({ eventFilters: [ACCOUNT_SESSIONS], ...fields })
      .expect(400);
    expect(body).toMatchObject({ errorCode: 'CMN-101', errors: [{ errorCode: 'CMN-101', parameterName }] });
  });

  it('answers 401 without a valid token and 404 for an unknown subscription', async () => {
    const anonymous = await h.platform.http().get('/restapi/v1.0/subscription').expect(401);
    expect(anonymous.body.errorCode).toBeDefined();
    await h.platform
      .http()
      .get('/restapi/v1.0/subscription')
      .set('Authorization', 'Bearer not-a-token-at-all-0123')
      .expect(401);
    const unknown = await api().get('0b7a9e52-5b1c-4c3e-9d36-2f0f2f7a1a11').expect(404);
    expect(unknown.body).toMatchObject({
      errorCode: 'CMN-102',
      errors: [{ parameterName: 'subscriptionId' }],
    });
    await api().renew('nonsense').expect(404);
    await api().remove('nonsense').expect(404);
  });

  it('caps the lifetime at RingCentral’s maximum; renew grants it again from now', async () => {
    const hook = endpoint();
    const { body } = await api()
      .create({
        eventFilters: [ACCOUNT_SESSIONS],
        deliveryMode: { transportType: 'WebHook', address: hook.url },
        expiresIn: 999_999_999,
      })
      .expect(200);
    expect(body.expiresIn).toBeGreaterThanOrEqual(315_359_999);
    const short = await api().update(body.id, { expiresIn: 600 }).expect(200);
    expect(short.body.expiresIn).toBeGreaterThanOrEqual(599);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const renewed = await api().renew(body.id).expect(200);
    expect(Date.parse(renewed.body.expirationTime)).toBeGreaterThan(Date.parse(short.body.expirationTime));
    // Renewing an active subscription at the same address needs no new handshake.
    expect(hook.handshakes).toHaveLength(1);
  });

  it('PUT replaces filters and address (validating the new one); DELETE ends the subscription', async () => {
    const first = endpoint();
    const second = endpoint();
    const { body } = await api()
      .create({
        eventFilters: [ACCOUNT_SESSIONS],
        deliveryMode: { transportType: 'WebHook', address: first.url, verificationToken: 'kept' },
      })
      .expect(200);
    const agentFilter = `/restapi/v1.0/account/~/extension/${h.agent.sid}/telephony/sessions`;
    second.mode = 'no-echo';
    const refused = await api()
      .update(body.id, { deliveryMode: { transportType: 'WebHook', address: second.url } })
      .expect(400);
    expect(refused.body.errorCode).toBe('SUB-525');
    expect((await api().get(body.id).expect(200)).body.deliveryMode.address).toBe(first.url);
    second.mode = 'ok';
    const updated = await api()
      .update(body.id, {
        eventFilters: [agentFilter],
        deliveryMode: { transportType: 'WebHook', address: second.url },
      })
      .expect(200);
    expect(updated.body).toMatchObject({
      eventFilters: [
        `/restapi/v1.0/account/${h.platform.accountSid}/extension/${h.agent.sid}/telephony/sessions`,
      ],
      deliveryMode: { address: second.url, verificationToken: 'kept' },
      status: 'Active',
    });
    expect(second.handshakes).toHaveLength(2);
    await api().remove(body.id).expect(204);
    await api().get(body.id).expect(404);
    await api().remove(body.id).expect(404);
  });
});
