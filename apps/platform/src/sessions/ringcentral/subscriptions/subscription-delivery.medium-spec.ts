import { waitUntil } from '../../../../../../test/support/platform';
import {
  ACCOUNT_SESSIONS,
  EXTENSION_SESSIONS,
  HookEndpoint,
  sessionEvent,
  startSubscriptionsHarness,
  subscriptionApi,
  SubscriptionsHarness,
} from '../../../../../../test/support/ringcentral-subscriptions';
import { SubscriptionDelivery } from './subscription-delivery.service';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Session events pushed through a test event stream reach a real receiver on loopback: matched by
 * filter, per session in `sequence` order, retried through an outage without reordering, and stopped
 * by suspension or expiry.
 */
describe('RingCentral-style subscriptions: delivery of session events', () => {
  let h: SubscriptionsHarness;
  let paths = 0;
  const api = (token = h.accountToken) => subscriptionApi(h.platform, token);

  beforeAll(async () => {
    // Quick retries; a bound above the 10 s outage below (the suspension test lowers it).
    h = await startSubscriptionsHarness({ firstRetryMs: 200, maxRetryMs: 1000, suspendAfterMs: 60_000 });
  });

  afterAll(async () => {
    await h?.close();
  });

  async function subscribe(
    eventFilters: string[],
    options: { token?: string; verificationToken?: string; expiresIn?: number } = {},
  ) {
    const hook = new HookEndpoint(h.receiver, `/events-${++paths}`);
    const { body } = await api(options.token)
      .create({
        eventFilters,
        deliveryMode: {
          transportType: 'WebHook',
          address: hook.url,
          verificationToken: options.verificationToken,
        },
        expiresIn: options.expiresIn,
      })
      .expect(200);
    return { hook, id: body.id as string };
  }

  /** Waits until every event pushed so far has been matched and queued. */
  const dispatched = () => h.platform.app.get(SubscriptionDelivery).settled();

  it('delivers each matching event with the envelope and token, per session in sequence order', async () => {
    const account = await subscribe([ACCOUNT_SESSIONS], { verificationToken: 'account-secret' });
    const agent = await subscribe([EXTENSION_SESSIONS], {
      token: h.agent.token,
      verificationToken: 'agent-secret',
    });
    const sid = h.platform.accountSid;
    const pushed = [
      sessionEvent(sid, 'agent-call', 1, [h.agent.sid], 'Setup'),
      sessionEvent(sid, 'other-call', 1, [h.otherExtensionSid]),
      sessionEvent(sid, 'agent-call', 2, [h.agent.sid], 'Proceeding'),
      sessionEvent(sid, 'agent-call', 3, [h.agent.sid], 'Answered'),
      sessionEvent(sid, 'other-call', 2, [h.otherExtensionSid]),
      sessionEvent(sid, 'agent-call', 4, [h.agent.sid], 'Hold'),
      // Another account's session reaches none of them.
      sessionEvent('AC0123456789abcdef0123456789abcdef', 'elsewhere', 1, []),
    ];
    for (const event of pushed) h.events.emit(event);
    await waitUntil(
      () => account.hook.accepted.length === 6 && agent.hook.accepted.length === 4,
      5000,
      'deliveries',
    );

    expect(account.hook.sequences('agent-call')).toEqual([1, 2, 3, 4]);
    expect(account.hook.sequences('other-call')).toEqual([1, 2]);
    expect(agent.hook.sequences('agent-call')).toEqual([1, 2, 3, 4]);
    expect(agent.hook.sequences('other-call')).toEqual([]);

    const first = account.hook.accepted.find((n) => n.envelope.body.telephonySessionId === 'agent-call')!;
    expect(first.envelope).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event: `/restapi/v1.0/account/${sid}/telephony/sessions`,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      subscriptionId: account.id,
      ownerId: sid,
      body: pushed[0].body,
    });
    expect(first.headers).toMatchObject({
      'content-type': 'application/json',
      'verification-token': 'account-secret',
      'validation-token': 'account-secret',
    });
    const agentFirst = agent.hook.accepted[0];
    expect(agentFirst.envelope).toMatchObject({
      event: `/restapi/v1.0/account/${sid}/extension/${h.agent.sid}/telephony/sessions`,
      subscriptionId: agent.id,
      ownerId: h.agent.sid,
    });
    expect(agentFirst.headers['verification-token']).toBe('agent-secret');
    const uuids = [...account.hook.accepted, ...agent.hook.accepted].map((n) => n.envelope.uuid);
    expect(new Set(uuids).size).toBe(uuids.length);
    await api().remove(account.id).expect(204);
    await api(h.agent.token).remove(agent.id).expect(204);
  });

  it('keeps retrying while the receiver fails for 10 s, then delivers everything in order', async () => {
    const { hook, id } = await subscribe([ACCOUNT_SESSIONS]);
    hook.mode = 'fail';
    const started = Date.now();
    const sid = h.platform.accountSid;
    h.events.emit(sessionEvent(sid, 'outage', 1, [], 'Setup'));
    h.events.emit(sessionEvent(sid, 'outage', 2, [], 'Proceeding'));
    await pause(3000);
    h.events.emit(sessionEvent(sid, 'outage', 3, [], 'Answered'));
    h.events.emit(sessionEvent(sid, 'calm', 1, [], 'Setup'));
    await pause(4000);
    h.events.emit(sessionEvent(sid, 'outage', 4, [], 'Hold'));
    h.events.emit(sessionEvent(sid, 'outage', 5, [], 'Answered'));
    await pause(Math.max(0, started + 10_000 - Date.now()));
    // Only each lane's head was tried meanwhile, again and again.
    expect(
      new Set(hook.failed.map((n) => `${n.envelope.body.telephonySessionId}#${n.envelope.body.sequence}`)),
    ).toEqual(new Set(['outage#1', 'calm#1']));
    expect(hook.failed.length).toBeGreaterThanOrEqual(10);
    expect(hook.accepted).toEqual([]);
    hook.mode = 'ok';
    await waitUntil(() => hook.accepted.length === 6, 5000, 'the backlog');
    expect(hook.sequences('outage')).toEqual([1, 2, 3, 4, 5]);
    expect(hook.sequences('calm')).toEqual([1]);
    // A retry is the same notification again.
    const failedFirst = hook.failed.find((n) => n.envelope.body.telephonySessionId === 'outage')!;
    expect(
      hook.accepted.find(
        (n) => n.envelope.body.sequence === 1 && n.envelope.body.telephonySessionId === 'outage',
      )!.envelope.uuid,
    ).toBe(failedFirst.envelope.uuid);
    expect((await api().get(id).expect(200)).body.status).toBe('Active');
    await api().remove(id).expect(204);
  }, 30_000);

  it('suspends a subscription that keeps failing, records why, and renew reactivates it', async () => {
    h.policy.suspendAfterMs = 1500;
    try {
      const { hook, id } = await subscribe([ACCOUNT_SESSIONS]);
      hook.mode = 'fail';
      hook.failStatus = 500;
      const sid = h.platform.accountSid;
      h.events.emit(sessionEvent(sid, 'doomed', 1));
      h.events.emit(sessionEvent(sid, 'doomed', 2));
      await waitUntil(async () => (await api().get(id)).body.status === 'Suspended', 8000, 'the suspension');
      const suspended = (await api().get(id).expect(200)).body;
      expect(suspended.blacklistedData).toEqual({
        reason: expect.stringMatching(
          new RegExp(
            `^notifications to ${hook.url} failed for \\d+ s \\(\\d+ attempts\\); the last attempt: POST .* returned HTTP 500$`,
          ),
        ),
        blacklistedAt: expect.any(String),
      });
      const notifications = (
        await h.platform
          .http()
          .get(`/restcomm/2012-04-24/Accounts/${sid}/Notifications.json`)
          .auth(sid, h.platform.authToken)
          .expect(200)
      ).body.notifications as Array<Record<string, unknown>>;
      expect(notifications).toContainEqual(
        expect.objectContaining({
          error_code: 22310,
          message_text: expect.stringContaining(`Subscription ${id} was suspended`),
          request_url: hook.url,
          request_method: 'POST',
        }),
      );

      // Suspended: nothing more is sent, not even the backlog.
      const attempts = hook.failed.length;
      h.events.emit(sessionEvent(sid, 'doomed', 3));
      await dispatched();
      await pause(1500);
      expect(hook.failed).toHaveLength(attempts);

      // Renewing validates the receiver again: refused while it still fails, then Active again.
      expect((await api().renew(id).expect(400)).body.errorCode).toBe('SUB-522');
      expect((await api().get(id).expect(200)).body.status).toBe('Suspended');
      hook.mode = 'ok';
      const renewed = (await api().renew(id).expect(200)).body;
      expect(renewed.status).toBe('Active');
      expect(renewed.blacklistedData).toBeUndefined();
      h.events.emit(sessionEvent(sid, 'doomed', 4));
      await waitUntil(() => hook.accepted.length === 1, 5000, 'delivery after the renewal');
      expect(hook.sequences('doomed')).toEqual([4]);
      await api().remove(id).expect(204);
    } finally {
      h.policy.suspendAfterMs = 60_000;
    }
  }, 30_000);

  it('stops delivering when the subscription expires; an expired one is gone', async () => {
    const { hook, id } = await subscribe([ACCOUNT_SESSIONS], { expiresIn: 1 });
    const sid = h.platform.accountSid;
    h.events.emit(sessionEvent(sid, 'brief', 1));
    await waitUntil(() => hook.accepted.length === 1, 3000, 'the first delivery');
    await pause(1100);
    h.events.emit(sessionEvent(sid, 'brief', 2));
    await dispatched();
    await pause(300);
    expect(hook.sequences('brief')).toEqual([1]);
    const gone = await api().get(id).expect(404);
    expect(gone.body.errorCode).toBe('CMN-102');
    expect((await api().list().expect(200)).body.records.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('a deleted subscription gets nothing more, not even what was waiting', async () => {
    const { hook, id } = await subscribe([ACCOUNT_SESSIONS]);
    hook.mode = 'fail';
    h.events.emit(sessionEvent(h.platform.accountSid, 'cut', 1));
    await waitUntil(() => hook.failed.length > 0, 3000, 'a first attempt');
    await api().remove(id).expect(204);
    hook.mode = 'ok';
    h.events.emit(sessionEvent(h.platform.accountSid, 'cut', 2));
    await dispatched();
    await pause(1500);
    expect(hook.accepted).toEqual([]);
  });
});
