import { waitUntil } from '../../../../../test/support/platform';
import {
  EXTENSION_PASSWORD,
  RingcentralMedium,
  startRingcentralMedium,
  TELEPHONY,
} from '../../../../../test/support/ringcentral-medium';
import { TelephonySessionEvents, type TelephonySessionEvent } from './telephony-session-event';

/**
 * The RingCentral-style telephony API on the whole application (real SQLite, fake gateway, SIP users
 * in memory): tokens, call-out, parties and their actions, presence, and the session events.
 */
describe('RingCentral-style /restapi telephony sessions', () => {
  let medium: RingcentralMedium;
  let platform: RingcentralMedium['platform'];
  let gateway: RingcentralMedium['gateway'];
  let domain: string;
  let extensionSids: Record<string, string>;
  const events: TelephonySessionEvent[] = [];
  const base = TELEPHONY;
  const PASSWORD = EXTENSION_PASSWORD;

  beforeAll(async () => {
    medium = await startRingcentralMedium(['1001', '1002', '1003'], {
      env: { PBX_HOLD_SIGNALLING: 'moh' },
      displayName: (number) => `Agent ${number}`,
    });
    ({ platform, gateway, domain, extensionSids } = medium);
    platform.app.get(TelephonySessionEvents).subscribe((event) => void events.push(event));
  });

  afterAll(async () => {
    await platform?.close();
  });

  const api = (bearer?: string) => medium.api(bearer);
  const nextLeg = (after: number) => medium.nextLeg(after);
  const codes = async (id: string) => (await medium.codes(id)).split(',');
  const connectedCallOut = (agent: string, callee: string) => medium.connectedCallOut(agent, callee);

  it('grants account tokens for Basic credentials and extension tokens for the extension password, refusing others in shape', async () => {
    const wrong = await platform
      .http()
      .post('/restapi/oauth/token')
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(401);
    expect(wrong.body).toEqual({
      errorCode: 'OAU-128',
      message: expect.any(String),
      errors: [expect.objectContaining({ errorCode: 'OAU-128' })],
    });
    const agent = await platform
      .http()
      .post('/restapi/oauth/token')
      .type('form')
      .send({ grant_type: 'password', username: `1001@${domain}`, password: PASSWORD })
      .expect(200);
    expect(agent.body).toMatchObject({
      token_type: 'bearer',
      owner_id: extensionSids['1001'],
      expires_in: 3600,
    });
    await platform
      .http()
      .post('/restapi/oauth/token')
      .type('form')
      .send({ grant_type: 'password', username: `1001@${domain}`, password: 'nope' })
      .expect(401);
    const bad = await platform
      .http()
      .post('/restapi/oauth/token')
      .type('form')
      .send({ grant_type: 'implicit' })
      .expect(400);
    expect(bad.body.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'grant_type' });
    await api('not-a-token-we-ever-issued').get(`${base}/sessions/x`).expect(401);
    const presence = await api(agent.body.access_token)
      .get('/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true')
      .expect(200);
    expect(presence.body).toMatchObject({
      telephonyStatus: 'NoCall',
      activeCalls: [],
      extension: { extensionNumber: '1001' },
    });
  });

  it('calls out: the agent rings first, then the callee; parties go Setup/Proceeding → Answered, events numbered without gaps', async () => {
    const before = gateway.originated.length;
    const { body } = await api()
      .post(`${base}/call-out`, { from: { extensionNumber: '1001' }, to: { phoneNumber: '+15550007777' } })
      .expect(200);
    const id = body.session.id;
    expect(body.session.parties).toEqual([
      expect.objectContaining({
        direction: 'Outbound',
        extensionId: extensionSids['1001'],
        to: { phoneNumber: '+15550007777' },
      }),
    ]);
    const agentLeg = await nextLeg(before);
    expect(agentLeg.target).toEqual({ kind: 'sip-user', dialString: `PJSIP/1001@${domain}` });
    gateway.emit(agentLeg.channelId, { kind: 'ringing' });
    await waitUntil(async () => (await codes(id)).join() === 'Proceeding', 5000, 'Proceeding');
    gateway.answerLeg(agentLeg.channelId);
    const calleeLeg = await nextLeg(before + 1);
    expect(calleeLeg.target).toEqual({ kind: 'number', number: '+15550007777' });
    gateway.answerLeg(calleeLeg.channelId);
    await waitUntil(async () => (await codes(id)).join() === 'Answered,Answered', 5000, 'Answered');

    await api().delete(`${base}/sessions/${id}`).expect(204);
    await waitUntil(
      () =>
        events.some(
          (e) =>
            e.body.telephonySessionId === id && e.body.parties.every((p) => p.status.code === 'Disconnected'),
        ),
      5000,
      'the Disconnected event',
    );
    const mine = events.filter((event) => event.body.telephonySessionId === id);
    expect(mine.map((event) => event.body.sequence)).toEqual(mine.map((_, i) => i + 1));
    expect(mine[0]).toMatchObject({
      accountSid: platform.accountSid,
      extensionSids: [extensionSids['1001']],
    });
    const agentCodes = mine.map(
      (event) => event.body.parties.find((p) => p.direction === 'Outbound')?.status.code,
    );
    expect(agentCodes.filter((code, i) => code !== agentCodes[i - 1])).toEqual([
      'Setup',
      'Proceeding',
      'Answered',
      'Disconnected',
    ]);
    await api().get(`${base}/sessions/${id}`).expect(404);
  });

  it('holds, unholds and mutes a party, refusing to hold a ringing one (409)', async () => {
    const { id, callee, calleeLeg } = await connectedCallOut('1001', '1002');
    const held = await api().post(`${base}/sessions/${id}/parties/${callee}/hold`).expect(200);
    expect(held.body).toMatchObject({ id: callee, status: { code: 'Hold' } });
    expect(gateway.held.get(calleeLeg.channelId)).toEqual({ sipVisible: false });
    await api().post(`${base}/sessions/${id}/parties/${callee}/unhold`).expect(200);
    const muted = await api().patch(`${base}/sessions/${id}/parties/${callee}`, { muted: true }).expect(200);
    expect(muted.body).toMatchObject({ muted: true, status: { code: 'Answered' } });
    await api().patch(`${base}/sessions/${id}/parties/${callee}`, { muted: 'yes' }).expect(400);
    await api().post(`${base}/sessions/${id}/parties/CA00000000000000000000000000000000/hold`).expect(404);

    const before = gateway.originated.length;
    const ringing = await api()
      .post(`${base}/call-out`, { from: { extensionNumber: '1003' }, to: { extensionNumber: '1001' } })
      .expect(200);
    await nextLeg(before);
    const party = ringing.body.session.parties[0].id;
    const refused = await api()
      .post(`${base}/sessions/${ringing.body.session.id}/parties/${party}/hold`)
      .expect(409);
    expect(refused.body.errorCode).toBe('TAS-103');
    await api().post(`${base}/sessions/${ringing.body.session.id}/parties/${party}/reject`).expect(200);
    await waitUntil(
      async () => (await api().get(`${base}/sessions/${ringing.body.session.id}`)).status === 404,
      5000,
      'rejected',
    );
    await api().delete(`${base}/sessions/${id}`).expect(204);
  });

  it('transfers blind to an extension: the agent party goes Gone (BlindTransfer) in the events', async () => {
    const { id, agent, callee } = await connectedCallOut('1001', '1002');
    const before = gateway.originated.length;
    await api()
      .post(`${base}/sessions/${id}/parties/${agent}/transfer`, { extensionNumber: '1003' })
      .expect(200);
    const recipient = await nextLeg(before);
    expect(recipient.target).toEqual({ kind: 'sip-user', dialString: `PJSIP/1003@${domain}` });
    gateway.answerLeg(recipient.channelId);
    await waitUntil(
      () =>
        events.some(
          (e) =>
            e.body.telephonySessionId === id &&
            e.body.parties.some((p) => p.id === agent && p.status.code === 'Gone'),
        ),
      5000,
      'the agent Gone',
    );
    const gone = events.find((e) => e.body.parties.some((p) => p.id === agent && p.status.code === 'Gone'))!;
    expect(gone.body.parties.find((p) => p.id === agent)!.status).toEqual({
      code: 'Gone',
      reason: 'BlindTransfer',
    });
    const now = (await api().get(`${base}/sessions/${id}`).expect(200)).body.parties.map(
      (p: { id: string }) => p.id,
    );
    expect(now).toEqual([callee, recipient.labels!.callSid]);
    await api().delete(`${base}/sessions/${id}`).expect(204);
  });

  it("bridges a party with another session's party: the agent's two legs drop", async () => {
    const first = await connectedCallOut('1001', '1002');
    const second = await connectedCallOut('1001', '1003');
    const merged = await api()
      .post(`${base}/sessions/${first.id}/parties/${first.callee}/bridge`, {
        telephonySessionId: second.id,
        partyId: second.callee,
      })
      .expect(200);
    expect(merged.body.parties.map((p: { id: string }) => p.id).sort()).toEqual(
      [first.callee, second.callee].sort(),
    );
    await waitUntil(
      () =>
        !gateway.channels.has(first.agentLeg.channelId) && !gateway.channels.has(second.agentLeg.channelId),
      5000,
      'agent legs gone',
    );
    await api().delete(`${base}/sessions/${merged.body.id}`).expect(204);
  });

  it('shows an agent its calls in presence and hides other sessions from it', async () => {
    const { id, agent } = await connectedCallOut('1002', '1003');
    const agentToken = (
      await platform
        .http()
        .post('/restapi/oauth/token')
        .type('form')
        .send({ grant_type: 'password', username: '1002', domain, password: PASSWORD })
        .expect(200)
    ).body.access_token;
    const presence = await api(agentToken)
      .get('/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true')
      .expect(200);
    expect(presence.body).toMatchObject({
      telephonyStatus: 'CallConnected',
      activeCalls: [{ telephonySessionId: id, partyId: agent, direction: 'Outbound' }],
    });
    const outsider = (
      await platform
        .http()
        .post('/restapi/oauth/token')
        .type('form')
        .send({ grant_type: 'password', username: `1001@${domain}`, password: PASSWORD })
        .expect(200)
    ).body.access_token;
    await api(outsider).get(`${base}/sessions/${id}`).expect(404);
    await api(agentToken)
      .get(`/restapi/v1.0/account/AC00000000000000000000000000000000/telephony/sessions/${id}`)
      .expect(404);
    await api().delete(`${base}/sessions/${id}`).expect(204);
  });
});
