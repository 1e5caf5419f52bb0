import { waitUntil } from '../../../../../test/support/platform';
import {
  EXTENSION_PASSWORD,
  RingcentralMedium,
  startRingcentralMedium,
  TELEPHONY,
} from '../../../../../test/support/ringcentral-medium';
import { TelephonySessionEvents, type TelephonySessionEvent } from './telephony-session-event';

interface Party {
  id: string;
  status: { code: string };
  to: { extensionNumber?: string };
  park?: { id: string };
}

/**
 * Park, pickup, flip and supervise on the whole application (real SQLite, fake gateway, SIP users in
 * memory; extension 1001 has two phones).
 */
describe('RingCentral-style park, pickup, flip and supervise', () => {
  let medium: RingcentralMedium;
  let platform: RingcentralMedium['platform'];
  let gateway: RingcentralMedium['gateway'];
  let domain: string;
  let extensionSids: Record<string, string>;
  const events: TelephonySessionEvent[] = [];
  const base = TELEPHONY;

  beforeAll(async () => {
    medium = await startRingcentralMedium(['1001', '1002', '1003', '1009'], {
      env: { PBX_HOLD_SIGNALLING: 'moh' },
    });
    ({ platform, gateway, domain, extensionSids } = medium);
    medium.sipUsers.register(`1001@${domain}`, 'sip:1001@127.0.0.2:5999');
    platform.app.get(TelephonySessionEvents).subscribe((event) => void events.push(event));
  });

  afterAll(async () => {
    await platform?.close();
  });

  async function tokenFor(extension: string): Promise<string> {
    const granted = await platform
      .http()
      .post('/restapi/oauth/token')
      .type('form')
      .send({ grant_type: 'password', username: extension, domain, password: EXTENSION_PASSWORD });
    return granted.body.access_token;
  }
  const api = (bearer?: string) => medium.api(bearer);
  const nextLeg = (after: number) => medium.nextLeg(after);
  const parties = async (id: string): Promise<Party[]> =>
    (await api().get(`${base}/sessions/${id}`).expect(200)).body.parties;
  const codes = (id: string) => medium.codes(id);
  const connectedCallOut = (agent: string, callee: string, agentPhones = 1) =>
    medium.connectedCallOut(agent, callee, agentPhones);

  it('parks the counterpart (Parked, park id, music on hold) and drops the parker; another extension picks it up', async () => {
    const { id, agent, callee, agentLeg, calleeLeg } = await connectedCallOut('1002', '1003');
    const parked = await api().post(`${base}/sessions/${id}/parties/${agent}/park`).expect(200);
    expect(parked.body).toMatchObject({ id: callee, status: { code: 'Parked' }, park: { id: '801' } });
    expect(gateway.held.get(calleeLeg.channelId)).toEqual({ sipVisible: false });
    await waitUntil(() => !gateway.channels.has(agentLeg.channelId), 5000, 'the parker dropped');
    await waitUntil(async () => (await codes(id)) === 'Parked', 5000, 'only the parked party left');
    const presence = await api()
      .get(`/restapi/v1.0/account/~/extension/${extensionSids['1003']}/presence?detailedTelephonyState=true`)
      .expect(200);
    expect(presence.body).toMatchObject({
      telephonyStatus: 'ParkedCall',
      activeCalls: [{ telephonySessionId: id, partyId: callee, telephonyStatus: 'ParkedCall' }],
    });
    await waitUntil(
      () =>
        events.some((event) =>
          event.body.parties.some((party) => party.id === callee && party.status.code === 'Parked'),
        ),
      5000,
      'a Parked event',
    );

    // 1001 is not in the session, yet may pick the call up: on its second phone only.
    const picker = await tokenFor('1001');
    const before = gateway.originated.length;
    const picked = await api(picker)
      .post(`${base}/sessions/${id}/parties/${callee}/pickup`, { deviceId: '2' })
      .expect(200);
    expect(picked.body).toMatchObject({ id: callee, status: { code: 'Parked' } });
    const pickerLeg = await nextLeg(before);
    expect(pickerLeg.target).toEqual({
      kind: 'sip-user',
      dialString: `PJSIP/1001@${domain}/sip:1001@127.0.0.2:5999`,
    });
    const twice = await api().post(`${base}/sessions/${id}/parties/${callee}/pickup`, {
      extensionNumber: '1002',
    });
    expect(twice.status).toBe(409);
    expect(twice.body.errorCode).toBe('TAS-103');
    gateway.answerLeg(pickerLeg.channelId);
    await waitUntil(async () => (await codes(id)) === 'Answered,Answered', 5000, 'picked up');
    expect((await parties(id))[1]).toMatchObject({
      id: pickerLeg.labels!.callSid,
      to: { extensionNumber: '1001' },
    });
    expect(gateway.held.has(calleeLeg.channelId)).toBe(false);
    await api().delete(`${base}/sessions/${id}`).expect(204);
  });

  it('refuses to park a ringing party or pick up a party that is not parked, in RingCentral’s shape', async () => {
    const before = gateway.originated.length;
    const { body } = await api()
      .post(`${base}/call-out`, { from: { extensionNumber: '1002' }, to: { extensionNumber: '1003' } })
      .expect(200);
    const agentLeg = await nextLeg(before);
    const ringing = await api().post(
      `${base}/sessions/${body.session.id}/parties/${agentLeg.labels!.callSid}/park`,
    );
    expect(ringing.status).toBe(409);
    expect(ringing.body.errorCode).toBe('TAS-103');
    gateway.answerLeg(agentLeg.channelId);
    await nextLeg(before + 1);
    const notParked = await api().post(
      `${base}/sessions/${body.session.id}/parties/${agentLeg.labels!.callSid}/pickup`,
      { extensionNumber: '1009' },
    );
    expect(notParked.status).toBe(409);
    await api().delete(`${base}/sessions/${body.session.id}`).expect(204);
  });

  it('flips the agent’s call to its second phone: the customer stays, the old phone’s leg is released', async () => {
    const { id, agent, callee, agentLeg } = await connectedCallOut('1001', '1003', 2);
    const wrong = await api()
      .post(`${base}/sessions/${id}/parties/${agent}/flip`, { callFlipId: '7' })
      .expect(400);
    expect(wrong.body.errors[0]).toMatchObject({ parameterName: 'callFlipId' });
    await api().post(`${base}/sessions/${id}/parties/${callee}/flip`, { callFlipId: '1' }).expect(400);

    const before = gateway.originated.length;
    await api()
      .post(`${base}/sessions/${id}/parties/${agent}/flip`, { callFlipId: 'sip:1001@127.0.0.2:5999' })
      .expect(200);
    const newPhone = await nextLeg(before);
    expect(newPhone.target).toEqual({
      kind: 'sip-user',
      dialString: `PJSIP/1001@${domain}/sip:1001@127.0.0.2:5999`,
    });
    gateway.answerLeg(newPhone.channelId);
    await waitUntil(() => !gateway.channels.has(agentLeg.channelId), 5000, 'the old phone released');
    await waitUntil(async () => (await codes(id)) === 'Answered,Answered', 5000, 'flipped');
    expect((await parties(id)).map((party) => party.id)).toEqual([callee, newPhone.labels!.callSid]);
    await api().delete(`${base}/sessions/${id}`).expect(204);
  });

  it('lets a supervisor listen through a snoop of the agent, unseen in the agent’s session, until the call ends', async () => {
    const { id, agent, agentLeg, calleeLeg } = await connectedCallOut('1002', '1003');
    const body = { mode: 'Listen', extensionNumber: '1009', agentExtensionNumber: '1002' };
    await api(await tokenFor('1009'))
      .post(`${base}/sessions/${id}/supervise`, body)
      .expect(403);
    await api()
      .post(`${base}/sessions/${id}/supervise`, { ...body, mode: 'Barge' })
      .expect(400);

    const before = gateway.originated.length;
    const supervising = await api().post(`${base}/sessions/${id}/supervise`, body).expect(200);
    expect(supervising.body).toMatchObject({
      direction: 'Outbound',
      // The supervisor's call to the agent, as RingCentral shows a monitoring party.
      extensionId: extensionSids['1009'],
      from: { extensionNumber: '1009' },
      to: { phoneNumber: '1002' },
      telephonySessionId: expect.any(String),
    });
    const supervisorLeg = await nextLeg(before);
    expect(supervisorLeg.headers).toMatchObject({ 'Call-Info': expect.stringContaining('answer-after=0') });
    gateway.answerLeg(supervisorLeg.channelId);
    await waitUntil(
      () =>
        gateway.commands.some(
          (command) => command.op === 'snoop' && command.channelId === agentLeg.channelId,
        ),
      5000,
      'the snoop',
    );
    const snoop = gateway.commands.find((command) => command.op === 'snoop')!.args as {
      snoopChannelId: string;
      spy: string;
      whisper: string;
    };
    expect(snoop).toMatchObject({ spy: 'both', whisper: 'none' });
    const supervision = supervising.body.telephonySessionId as string;
    await waitUntil(() => (gateway.bridges.get(supervision)?.size ?? 0) === 2, 5000, 'the snoop bridged');
    expect((await parties(supervision)).map((party) => party.status.code)).toEqual(['Answered']);
    expect((await parties(id)).map((party) => party.id)).toEqual([agent, calleeLeg.labels!.callSid]);
    expect(gateway.commandsFor(agentLeg.channelId)).not.toContain('hold');

    gateway.farEndHangsUp(calleeLeg.channelId);
    gateway.farEndHangsUp(snoop.snoopChannelId);
    await waitUntil(() => !gateway.channels.has(supervisorLeg.channelId), 5000, 'the supervisor hung up');
    await api().get(`${base}/sessions/${supervision}`).expect(404);
  });
});
