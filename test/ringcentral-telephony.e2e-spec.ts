import { extensionChannel, writeFormat } from './support/asterisk-inspector';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { ACCOUNT_SESSIONS, HookEndpoint } from './support/ringcentral-subscriptions';
import { Baresip } from './support/softphones';
import { createExtension, unprovisionExtensions } from './support/tenant-extensions';

const PASSWORD = 'agent-secret-42';
const BASE = '/restapi/v1.0/account/~/telephony';

interface Party {
  id: string;
  direction: string;
  status: { code: string; reason?: string };
  to: { phoneNumber?: string };
}

/** Whether `expected` occurs in `codes` in this order (other codes may come between). */
const inOrder = (codes: Array<string | undefined>, expected: string[]) => {
  let next = 0;
  for (const code of codes) if (code === expected[next]) next++;
  return next === expected.length;
};

/** Consecutive duplicates dropped: the codes a party went through. */
const path = (codes: Array<string | undefined>) =>
  codes.filter((code, i) => code !== undefined && code !== codes[i - 1]);

/**
 * The RingCentral-style telephony API on the real stack with registered baresip extensions: call-out,
 * hold on music, blind transfer, bridge, reject, and the session events a WebHook subscription gets.
 */
describe('RingCentral-style telephony sessions with registered softphones', () => {
  let platform: RunningPlatform;
  let receiver: HttpRecorder;
  let hook: HookEndpoint;
  let token: string;
  let domain = '';
  const phones: Record<string, Baresip> = {};

  beforeAll(async () => {
    platform = await startPlatform({ PBX_HOLD_SIGNALLING: 'moh' });
    const tenant = { sid: platform.accountSid, token: platform.authToken };
    for (const number of ['1001', '1002', '1003', '1004'])
      domain = await createExtension(platform, tenant, { ExtensionNumber: number, Password: PASSWORD });
    for (const number of ['1001', '1002', '1003', '1004'])
      phones[number] = await Baresip.start({
        user: number,
        password: PASSWORD,
        domain,
        registrar: '127.0.0.1:5060',
        autoAnswer: number !== '1004',
      });
    token = (
      await platform
        .http()
        .post('/restapi/oauth/token')
        .auth(platform.accountSid, platform.authToken)
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200)
    ).body.access_token;
    receiver = await new HttpRecorder().start();
    hook = new HookEndpoint(receiver, '/rc-hook');
    const subscription = await platform
      .http()
      .post('/restapi/v1.0/subscription')
      .set('Authorization', `Bearer ${token}`)
      .send({
        eventFilters: [ACCOUNT_SESSIONS],
        deliveryMode: { transportType: 'WebHook', address: hook.url, verificationToken: 'e2e-verification' },
      })
      .expect(200);
    expect(subscription.body).toMatchObject({ status: 'Active' });
    expect(hook.handshakes).toHaveLength(1);
  }, 60000);

  afterAll(async () => {
    await Promise.all(Object.values(phones).map((phone) => phone.stop()));
    if (platform) await unprovisionExtensions(platform);
    await platform?.close();
    await receiver?.stop();
  });

  const api = {
    post: (p: string, body: object = {}) =>
      platform.http().post(p).set('Authorization', `Bearer ${token}`).send(body),
    get: (p: string) => platform.http().get(p).set('Authorization', `Bearer ${token}`),
    delete: (p: string) => platform.http().delete(p).set('Authorization', `Bearer ${token}`),
  };
  const parties = async (id: string): Promise<Party[]> =>
    (await api.get(`${BASE}/sessions/${id}`).expect(200)).body.parties;
  const answered = (id: string, count = 2) =>
    waitUntil(
      async () => {
        const now = (await api.get(`${BASE}/sessions/${id}`)).body.parties ?? [];
        return now.length === count && now.every((p: Party) => p.status.code === 'Answered');
      },
      10000,
      `session ${id} answered`,
    );
  async function callOut(
    agent: string,
    callee: string,
  ): Promise<{ id: string; agent: string; callee: string }> {
    const { body } = await api
      .post(`${BASE}/call-out`, { from: { extensionNumber: agent }, to: { extensionNumber: callee } })
      .expect(200);
    await answered(body.session.id);
    const [agentParty, calleeParty] = await parties(body.session.id);
    return { id: body.session.id, agent: agentParty.id, callee: calleeParty.id };
  }
  const received = (id: string) => hook.accepted.filter((n) => n.envelope.body.telephonySessionId === id);
  const codesOf = (id: string, partyId: string) =>
    path(received(id).map((n) => n.envelope.body.parties.find((p) => p.id === partyId)?.status.code));

  it('call-out, hold on music, unhold, blind transfer and hang-up: the parties move and the subscriber gets every event in order', async () => {
    const agentEvents = phones['1001'].events.length;
    const { id, agent, callee } = await callOut('1001', '1002');
    expect((await parties(id))[0]).toMatchObject({ direction: 'Outbound' });

    const traced = phones['1002'].sipTrace().length;
    const calleeChannel = (await extensionChannel('1002', domain))!.name;
    expect(await writeFormat(calleeChannel)).toBe('ulaw');
    const held = await api.post(`${BASE}/sessions/${id}/parties/${callee}/hold`).expect(200);
    expect(held.body.status.code).toBe('Hold');
    // The held party hears Asterisk's music on hold: what is written to its phone is the music's format.
    await waitUntil(async () => (await writeFormat(calleeChannel)) === 'gsm', 5000, 'music on hold');
    await api.post(`${BASE}/sessions/${id}/parties/${callee}/unhold`).expect(200);
    await waitUntil(async () => (await writeFormat(calleeChannel)) === 'ulaw', 5000, 'the call again');
    // Music on hold is Asterisk's own: the held phone is sent no re-INVITE in this mode.
    expect(
      phones['1002']
        .sipTrace()
        .slice(traced)
        .filter((m) => m.direction === 'received' && /^INVITE /.test(m.text)),
    ).toEqual([]);

    const targetEvents = phones['1003'].events.length;
    await api
      .post(`${BASE}/sessions/${id}/parties/${agent}/transfer`, { extensionNumber: '1003' })
      .expect(200);
    await phones['1003'].waitForEvent('CALL_ESTABLISHED', { after: targetEvents });
    await phones['1001'].waitForEvent('CALL_CLOSED', { after: agentEvents });
    await answered(id);
    const recipient = (await parties(id)).find((p) => p.id !== callee)!;

    await api.delete(`${BASE}/sessions/${id}`).expect(204);
    await waitUntil(() => codesOf(id, recipient.id).includes('Disconnected'), 10000, 'the last event');
    const sequences = received(id).map((n) => n.envelope.body.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(received(id)[0].headers['verification-token']).toBe('e2e-verification');
    expect(inOrder(codesOf(id, agent), ['Setup', 'Answered', 'Gone'])).toBe(true);
    expect(codesOf(id, agent).at(-1)).toBe('Gone');
    const gone = received(id)
      .flatMap((n) => n.envelope.body.parties)
      .find((p) => p.id === agent && p.status.code === 'Gone');
    expect(gone?.status.reason).toBe('BlindTransfer');
    expect(inOrder(codesOf(id, callee), ['Setup', 'Answered', 'Hold', 'Answered', 'Disconnected'])).toBe(
      true,
    );
  }, 60000);

  it('mutes and unmutes a party, and a blind transfer to a phone number moves the other party out through the trunk', async () => {
    const agentEvents = phones['1001'].events.length;
    const { id, agent, callee } = await callOut('1001', '1002');
    const muted = await platform
      .http()
      .patch(`${BASE}/sessions/${id}/parties/${callee}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ muted: true })
      .expect(200);
    expect(muted.body).toMatchObject({ id: callee, muted: true, status: { code: 'Answered' } });
    await platform
      .http()
      .patch(`${BASE}/sessions/${id}/parties/${callee}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ muted: false })
      .expect(200);

    await api
      .post(`${BASE}/sessions/${id}/parties/${agent}/transfer`, { phoneNumber: '+15550009999' })
      .expect(200);
    await phones['1001'].waitForEvent('CALL_CLOSED', { after: agentEvents });
    await answered(id);
    const now = await parties(id);
    expect(now.map((p) => p.id)).toContain(callee);
    expect(now.find((p) => p.id !== callee)).toMatchObject({ to: { phoneNumber: '+15550009999' } });
    await waitUntil(() => codesOf(id, agent).at(-1) === 'Gone', 10000, 'the agent Gone');
    await api.delete(`${BASE}/sessions/${id}`).expect(204);
  }, 60000);

  it('bridges the parties of two sessions of the agent: they talk, the agent drops out of both', async () => {
    const agentEvents = phones['1001'].events.length;
    const first = await callOut('1001', '1002');
    const second = await callOut('1001', '1003');
    const merged = await api
      .post(`${BASE}/sessions/${first.id}/parties/${first.callee}/bridge`, {
        telephonySessionId: second.id,
        partyId: second.callee,
      })
      .expect(200);
    expect(merged.body.parties.map((p: Party) => p.id).sort()).toEqual([first.callee, second.callee].sort());
    await waitUntil(
      () => phones['1001'].events.slice(agentEvents).filter((e) => e.type === 'CALL_CLOSED').length === 2,
      10000,
      'both agent calls closed',
    );
    await api.delete(`${BASE}/sessions/${merged.body.id}`).expect(204);
  }, 60000);

  it('rejects a ringing party: its phone stops ringing and the session ends', async () => {
    const ringEvents = phones['1004'].events.length;
    const { body } = await api
      .post(`${BASE}/call-out`, { from: { extensionNumber: '1001' }, to: { extensionNumber: '1004' } })
      .expect(200);
    await phones['1004'].waitForEvent('CALL_INCOMING', { after: ringEvents });
    const ringing = (await parties(body.session.id)).find((p) => p.direction === 'Inbound')!;
    expect(ringing.status.code).toBe('Proceeding');
    await api.post(`${BASE}/sessions/${body.session.id}/parties/${ringing.id}/reject`).expect(200);
    await phones['1004'].waitForEvent('CALL_CLOSED', { after: ringEvents });
    await waitUntil(
      async () => (await api.get(`${BASE}/sessions/${body.session.id}`)).status === 404,
      10000,
      'the session gone',
    );
  }, 60000);

  it('a subscriber that fails for 10 s gets the events after it recovers, in order and without gaps', async () => {
    hook.mode = 'fail';
    const { id } = await callOut('1002', '1003');
    await api.delete(`${BASE}/sessions/${id}`).expect(204);
    await new Promise((resolve) => setTimeout(resolve, 10000));
    expect(received(id)).toEqual([]);
    expect(hook.failed.length).toBeGreaterThan(0);
    hook.mode = 'ok';
    await waitUntil(
      () => received(id).some((n) => n.envelope.body.parties.every((p) => p.status.code === 'Disconnected')),
      30000,
      'the events after recovery',
    );
    const sequences = received(id).map((n) => n.envelope.body.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
  }, 60000);
});
