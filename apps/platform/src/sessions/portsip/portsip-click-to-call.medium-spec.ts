import { RunningPlatform, startPlatform, waitUntil } from '../../../../../test/support/platform';
import { FakeSipUserDirectory } from '../../telephony/testing/fake-sip-user-directory';
import { FakeTelephonyGateway } from '../../telephony/testing/fake-telephony-gateway';
import type { OriginateRequest } from '../../telephony/telephony-gateway.port';

const PASSWORD = 'agent-secret-42';

/**
 * PortSIP-style click-to-call and leg actions on the whole application (real SQLite, fake gateway,
 * SIP users in memory): what is dialed, in which order, with which headers, and how sessions show it.
 */
describe('PortSIP-style /api/sessions: click-to-call and leg actions', () => {
  let platform: RunningPlatform;
  let gateway: FakeTelephonyGateway;
  let sipUsers: FakeSipUserDirectory;
  let domain: string;
  let token: string;

  beforeAll(async () => {
    gateway = new FakeTelephonyGateway();
    sipUsers = new FakeSipUserDirectory();
    platform = await startPlatform({ ARI_PASSWORD: 'medium-tests-use-no-ari' }, { gateway, sipUsers });
    for (const [number, name] of [
      ['1001', 'Front Desk'],
      ['1002', 'Sales'],
      ['1003', 'Support'],
    ]) {
      const created = await platform
        .http()
        .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Extensions.json`)
        .auth(platform.accountSid, platform.authToken)
        .type('form')
        .send({ ExtensionNumber: number, Password: PASSWORD, DisplayName: name })
        .expect(201);
      domain = created.body.sip_domain;
      sipUsers.register(`${number}@${domain}`, `sip:${number}@127.0.0.1:5999`);
    }
    await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Extensions.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ ExtensionNumber: '1009', Password: PASSWORD })
      .expect(201);
    token = (await login({ username: platform.accountSid, password: platform.authToken })).access_token;
  });

  afterAll(async () => {
    await platform?.close();
  });

  async function login(fields: Record<string, string>): Promise<{ access_token: string }> {
    const granted = await platform
      .http()
      .post('/api/login/oauth/token')
      .type('form')
      .send({ grant_type: 'password', ...fields })
      .expect(200);
    return granted.body;
  }

  const api = (bearer = token) => ({
    post: (path: string, body: object = {}) =>
      platform.http().post(path).set('Authorization', `Bearer ${bearer}`).send(body),
    get: (path: string) => platform.http().get(path).set('Authorization', `Bearer ${bearer}`),
  });

  async function nextLeg(after: number): Promise<OriginateRequest> {
    await waitUntil(() => gateway.originated.length > after, 5000, 'a leg to be placed');
    return gateway.originated[after];
  }

  /** A click-to-call whose two phones answer: its session id and both legs. */
  async function established(caller: string, callee: string) {
    const before = gateway.originated.length;
    const { body } = await api().post('/api/sessions', { caller, callee, send_sdp: true }).expect(200);
    const callerLeg = await nextLeg(before);
    gateway.answerLeg(callerLeg.channelId);
    const calleeLeg = await nextLeg(before + 1);
    gateway.answerLeg(calleeLeg.channelId);
    await waitUntil(() => gateway.bridgeOf(calleeLeg.channelId) === body.id, 5000, 'the bridge');
    await waitUntil(
      async () => (await api().get(`/api/sessions/${body.id}`)).body.calls?.[1]?.status === 'connected',
      5000,
      'both parties',
    );
    return { id: body.id as string, callerLeg, calleeLeg };
  }

  it('rings the caller first with the auto-answer header, then the callee, and bridges them', async () => {
    const before = gateway.originated.length;
    const { body } = await api()
      .post('/api/sessions', {
        caller: '1001',
        callee: '1002',
        send_sdp: false,
        caller_display_name: 'Reception',
        additional_header: 'ALERT_INFO_AUTO_ANSWER_DELAY0',
        header_direction: 'CALLER',
        user_data: 'ticket 42',
      })
      .expect(200);
    expect(body).toEqual({ id: expect.stringMatching(/^cw-bridge-/) });
    const callerLeg = await nextLeg(before);
    expect(callerLeg).toMatchObject({
      target: { kind: 'sip-user', dialString: `PJSIP/1001@${domain}` },
      callerId: '"Sales" <1002>',
      headers: { 'Alert-Info': `<sip:${domain}>;info=alert-autoanswer;delay=0` },
    });
    const ringing = await api().get(`/api/sessions/${body.id}`).expect(200);
    expect(ringing.body.calls).toEqual([
      expect.objectContaining({ callee: '1001', caller: '1002', user_data: 'ticket 42', held: false }),
    ]);
    // Nobody else is rung before the caller answers.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gateway.originated).toHaveLength(before + 1);

    gateway.answerLeg(callerLeg.channelId);
    const calleeLeg = await nextLeg(before + 1);
    expect(calleeLeg).toMatchObject({
      target: { kind: 'sip-user', dialString: `PJSIP/1002@${domain}` },
      callerId: '"Reception" <1001>',
    });
    expect(calleeLeg.headers?.['Alert-Info']).toBeUndefined();
    gateway.answerLeg(calleeLeg.channelId);
    await waitUntil(() => gateway.bridgeOf(calleeLeg.channelId) === body.id, 5000, 'the bridge');
    expect(gateway.bridgeOf(callerLeg.channelId)).toBe(body.id);

    const calls = await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls.json`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    const callerCall = calls.body.calls.find(
      (call: { sid: string }) => call.sid === callerLeg.labels?.callSid,
    );
    const calleeCall = calls.body.calls.find(
      (call: { sid: string }) => call.sid === calleeLeg.labels?.callSid,
    );
    expect(callerCall).toMatchObject({ to: '1001', direction: 'outbound-api', parent_call_sid: null });
    expect(calleeCall).toMatchObject({
      to: '1002',
      direction: 'outbound-dial',
      parent_call_sid: callerCall.sid,
    });
    await api().post(`/api/sessions/${body.id}/destroy`).expect(200);
    await waitUntil(
      async () => (await api().get(`/api/sessions/${body.id}`)).status === 404,
      5000,
      'the end',
    );
  });

  it('holds and unholds the matched leg, with {id} 1 for the latest call, and refuses what does not apply', async () => {
    const { id, calleeLeg } = await established('1001', '1002');
    await api().post('/api/sessions/1/hold', { extension_number: '1002' }).expect(200);
    expect(gateway.held.get(calleeLeg.channelId)).toEqual({ sipVisible: true });
    const held = await api().get(`/api/sessions/${id}`).expect(200);
    expect(held.body.calls[1]).toMatchObject({ callee: '1002', held: true });
    await api().post(`/api/sessions/${id}/unhold`, { extension_number: '1002' }).expect(200);
    expect(gateway.held.has(calleeLeg.channelId)).toBe(false);

    const unmatched = await api().post(`/api/sessions/${id}/hold`, { extension_number: '1003' }).expect(400);
    expect(unmatched.body).toEqual({ code: 21000, message: expect.stringContaining('1003'), status: 400 });
    await api()
      .post('/api/sessions/cw-bridge-00000000-0000-0000-0000-000000000000/hold', { extension_number: '1002' })
      .expect(404);
    await api().post(`/api/sessions/${id}/hold`, {}).expect(400);

    const before = gateway.originated.length;
    const ringing = await api()
      .post('/api/sessions', { caller: '1003', callee: '1001', send_sdp: true })
      .expect(200);
    await nextLeg(before);
    const refused = await api()
      .post(`/api/sessions/${ringing.body.id}/hold`, { extension_number: '1003' })
      .expect(400);
    expect(refused.body.message).toMatch(/not established/);
    await api().post(`/api/sessions/${ringing.body.id}/destroy`).expect(200);
    await api().post(`/api/sessions/${id}/destroy`).expect(200);
  });

  it('refers the other party to a third extension and releases the extension', async () => {
    const { id, callerLeg, calleeLeg } = await established('1001', '1002');
    const before = gateway.originated.length;
    await api().post(`/api/sessions/${id}/refer`, { extension_number: '1001', refer_to: '1003' }).expect(200);
    const recipient = await nextLeg(before);
    expect(recipient).toMatchObject({
      target: { kind: 'sip-user', dialString: `PJSIP/1003@${domain}` },
      callerId: '1002',
    });
    gateway.answerLeg(recipient.channelId);
    await waitUntil(() => gateway.bridgeOf(recipient.channelId) === id, 5000, 'the recipient bridged');
    await waitUntil(() => !gateway.channels.has(callerLeg.channelId), 5000, 'the extension released');
    expect(gateway.bridgeOf(calleeLeg.channelId)).toBe(id);
    await api().post(`/api/sessions/${id}/destroy`).expect(200);
  });

  it.each([
    [
      'the other parties’ numbers',
      (_one: string, _two: string) => ({ refer_to_1: '1002', refer_to_2: '1003' }),
    ],
    [
      'session ids',
      (one: string, two: string) => ({ session_1: one, refer_to_1: '', session_2: two, refer_to_2: '' }),
    ],
  ])('attended refer by %s connects 1002 with 1003 and drops both legs of 1001', async (_style, fields) => {
    const first = await established('1001', '1002');
    const second = await established('1001', '1003');
    await api()
      .post('/api/sessions/1/attended_refer', { extension_number: '1001', ...fields(first.id, second.id) })
      .expect(200);
    await waitUntil(
      () => gateway.bridgeOf(first.calleeLeg.channelId) === gateway.bridgeOf(second.calleeLeg.channelId),
      5000,
      '1002 and 1003 together',
    );
    await waitUntil(
      () =>
        !gateway.channels.has(first.callerLeg.channelId) && !gateway.channels.has(second.callerLeg.channelId),
      5000,
      'both legs of 1001 hung up',
    );
    const bridge = gateway.bridgeOf(first.calleeLeg.channelId)!;
    await api().post(`/api/sessions/${bridge}/destroy`).expect(200);
  });

  it('refuses an attended refer that names neither a session nor a number for a call', async () => {
    const failed = await api()
      .post('/api/sessions/1/attended_refer', {
        extension_number: '1001',
        session_1: '0',
        refer_to_1: '',
        refer_to_2: '1003',
      })
      .expect(400);
    expect(failed.body.message).toMatch(/session_1 or refer_to_1/);
  });

  it('calls directly with the extension password (401 otherwise) and scopes an agent token to its extension', async () => {
    const query = { extension_number: '1001', domain, caller: '1001', callee: '1002', send_sdp: 'true' };
    const wrong = await platform
      .http()
      .get('/api/sessions/directly')
      .query({ ...query, password: 'nope' })
      .expect(401);
    expect(wrong.body).toMatchObject({ code: 20003, status: 401 });
    await platform
      .http()
      .get('/api/sessions/directly')
      .query({ ...query, password: PASSWORD, send_sdp: 'maybe' })
      .expect(400);
    const before = gateway.originated.length;
    const direct = await platform
      .http()
      .get('/api/sessions/directly')
      .query({ ...query, password: PASSWORD })
      .expect(200);
    expect((await nextLeg(before)).target).toEqual({ kind: 'sip-user', dialString: `PJSIP/1001@${domain}` });

    const agent = (await login({ username: '1001', domain, password: PASSWORD })).access_token;
    const mine = await api(agent).get('/api/sessions').expect(200);
    expect(mine.body.items.map((item: { id: string }) => item.id)).toContain(direct.body.id);
    await api(agent).post('/api/sessions', { caller: '1002', callee: '1003', send_sdp: true }).expect(403);
    await api(agent).post(`/api/sessions/${direct.body.id}/hold`, { extension_number: '1002' }).expect(403);
    const other = (await login({ username: `1003@${domain}`, password: PASSWORD })).access_token;
    await api(other).get(`/api/sessions/${direct.body.id}`).expect(404);
    await platform
      .http()
      .post('/api/login/oauth/token')
      .type('form')
      .send({ grant_type: 'password', username: '1001', domain, password: 'nope' })
      .expect(401);
    await api().post(`/api/sessions/${direct.body.id}/destroy`).expect(200);
  });

  it('refuses bad click-to-call requests with 400 in the PortSIP shape, dialing nothing', async () => {
    const before = gateway.originated.length;
    const cases: Array<[object, RegExp]> = [
      [{ caller: '1001', send_sdp: true }, /callee/],
      [{ caller: '1001', callee: '1002', send_sdp: 'yes' }, /send_sdp/],
      [{ caller: '1001', callee: 'bob', send_sdp: true }, /callee/],
      [{ caller: '1009', callee: '1002', send_sdp: true }, /1009 has no registered phone/],
      [{ caller: '1001', callee: '1002', send_sdp: true, trunk: 'elsewhere' }, /trunk elsewhere/],
      [{ caller: '1001', callee: '1002', send_sdp: true, additional_header: 'SHOUT' }, /additional_header/],
      [{ caller: '1001', callee: '1002', send_sdp: true, caller_display_name: 'a"b' }, /caller_display_name/],
      [
        { caller: '1001', callee: '1002', send_sdp: true, caller_display_name: 'a\r\nX-Evil: 1' },
        /control|caller_display_name/,
      ],
    ];
    for (const [body, message] of cases) {
      const refused = await api().post('/api/sessions', body).expect(400);
      expect(refused.body).toEqual({
        code: expect.any(Number),
        message: expect.stringMatching(message),
        status: 400,
      });
    }
    expect(gateway.originated).toHaveLength(before);
  });
});
