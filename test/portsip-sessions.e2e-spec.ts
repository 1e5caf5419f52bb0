import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { Baresip, type SipTraceMessage } from './support/softphones';
import { createExtension, unprovisionExtensions } from './support/tenant-extensions';

const PASSWORD = 'agent-secret-42';

interface SessionCall {
  caller: string;
  callee: string;
  call_sid: string;
  status: string;
  held: boolean;
  user_data: string | null;
}

/**
 * The PortSIP-style sessions API on the real stack, with real registered softphones (baresip) as
 * extensions: click-to-call (the caller's phone first), directly, hold and unhold, destroy, refer and
 * attended refer, `{id}` 1.
 */
describe('PortSIP-style sessions with registered softphones', () => {
  let platform: RunningPlatform;
  let domain: string;
  let token: string;
  /** 1001 answers by hand (to see the order of ringing); 1002-1004 answer by themselves. */
  const phones: Record<string, Baresip> = {};

  beforeAll(async () => {
    platform = await startPlatform();
    const tenant = { sid: platform.accountSid, token: platform.authToken };
    const names: Record<string, string> = {
      '1001': 'Front Desk',
      '1002': 'Sales',
      '1003': 'Support',
      '1004': 'Agent',
    };
    for (const [number, name] of Object.entries(names))
      domain = await createExtension(platform, tenant, {
        ExtensionNumber: number,
        Password: PASSWORD,
        DisplayName: name,
      });
    for (const number of Object.keys(names))
      phones[number] = await Baresip.start({
        user: number,
        password: PASSWORD,
        domain,
        registrar: '127.0.0.1:5060',
        autoAnswer: number !== '1001',
      });
    const granted = await platform
      .http()
      .post('/api/login/oauth/token')
      .type('form')
      .send({ grant_type: 'password', username: platform.accountSid, password: platform.authToken })
      .expect(200);
    token = granted.body.access_token;
  }, 60000);

  afterAll(async () => {
    await Promise.all(Object.values(phones).map((phone) => phone.stop()));
    if (platform) await unprovisionExtensions(platform);
    await platform?.close();
  });

  const api = {
    post: (path: string, body: object = {}) =>
      platform.http().post(path).set('Authorization', `Bearer ${token}`).send(body),
    get: (path: string) => platform.http().get(path).set('Authorization', `Bearer ${token}`),
  };

  const session = async (id: string): Promise<SessionCall[]> =>
    (await api.get(`/api/sessions/${id}`).expect(200)).body.calls;
  const connected = async (id: string, count = 2) =>
    waitUntil(
      async () => {
        const response = await api.get(`/api/sessions/${id}`);
        const calls: SessionCall[] = response.body.calls ?? [];
        return calls.length === count && calls.every((call) => call.status === 'connected');
      },
      10000,
      `session ${id} connected`,
    );
  const invites = (phone: Baresip, after = 0): SipTraceMessage[] =>
    phone
      .sipTrace()
      .slice(after)
      .filter((m) => m.direction === 'received' && /^INVITE /.test(m.text));
  const reInvites = (phone: Baresip, after = 0) =>
    invites(phone, after).filter((m) => /\r?\nTo: [^\r\n]*;tag=/.test(m.text));
  const closed = (phone: Baresip, after: number) =>
    phone.waitForEvent('CALL_CLOSED', { after, timeoutMs: 10000 });

  /** A click-to-call between two auto-answering phones: its session once both are connected. */
  async function established(caller: string, callee: string): Promise<string> {
    const { body } = await api.post('/api/sessions', { caller, callee, send_sdp: true }).expect(200);
    await connected(body.id);
    return body.id;
  }

  it("rings the caller's phone first with the auto-answer header, then the callee's, bridged; destroy ends both", async () => {
    const traceA = phones['1001'].sipTrace().length;
    const traceB = phones['1002'].sipTrace().length;
    const eventsA = phones['1001'].events.length;
    const eventsB = phones['1002'].events.length;
    const { body } = await api
      .post('/api/sessions', {
        caller: '1001',
        callee: '1002',
        send_sdp: false,
        additional_header: 'ALERT_INFO_AUTO_ANSWER',
        header_direction: 'CALLER',
        user_data: 'crm-ticket-77',
      })
      .expect(200);
    await phones['1001'].waitForEvent('CALL_INCOMING', { after: eventsA });
    const [invite] = invites(phones['1001'], traceA);
    expect(invite.text).toMatch(
      new RegExp(`\\r?\\nAlert-Info: <sip:${domain.replace(/\./g, '\\.')}>;info=Auto Answer\\r?\\n`),
    );
    expect(invite.text).toMatch(/\r?\nFrom: "Sales" <sip:1002@/);
    // The callee is not rung while the caller's phone rings.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(invites(phones['1002'], traceB)).toEqual([]);
    expect((await session(body.id)).map((call) => call.callee)).toEqual(['1001']);

    await phones['1001'].accept();
    await phones['1002'].waitForEvent('CALL_ESTABLISHED', { after: eventsB });
    const [calleeInvite] = invites(phones['1002'], traceB);
    expect(calleeInvite.text).toMatch(/\r?\nFrom: "Front Desk" <sip:1001@/);
    expect(calleeInvite.text).not.toMatch(/\r?\nAlert-Info:/);
    await connected(body.id);
    const calls = await session(body.id);
    expect(calls).toEqual([
      expect.objectContaining({ caller: '1002', callee: '1001', user_data: 'crm-ticket-77', held: false }),
      expect.objectContaining({ caller: '1001', callee: '1002', user_data: 'crm-ticket-77', held: false }),
    ]);
    const record = await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${calls[1].call_sid}.json`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(record.body).toMatchObject({
      parent_call_sid: calls[0].call_sid,
      status: 'in-progress',
      to: '1002',
    });

    await api.post(`/api/sessions/${body.id}/destroy`).expect(200);
    await Promise.all([closed(phones['1001'], eventsA), closed(phones['1002'], eventsB)]);
    await waitUntil(
      async () => (await api.get(`/api/sessions/${body.id}`)).status === 404,
      5000,
      'the session gone',
    );
  }, 60000);

  it('holds and unholds through the API: the held phone gets a=sendonly, then a=sendrecv; the session shows it', async () => {
    const id = await established('1003', '1002');
    const after = phones['1002'].sipTrace().length;
    await api.post(`/api/sessions/${id}/hold`, { extension_number: '1002' }).expect(200);
    await waitUntil(() => reInvites(phones['1002'], after).length === 1, 5000, 'the hold re-INVITE');
    expect(reInvites(phones['1002'], after)[0].text).toMatch(/a=sendonly/);
    expect((await session(id)).find((call) => call.callee === '1002')).toMatchObject({ held: true });
    await api.post(`/api/sessions/${id}/unhold`, { extension_number: '1002' }).expect(200);
    await waitUntil(() => reInvites(phones['1002'], after).length === 2, 5000, 'the unhold re-INVITE');
    expect(reInvites(phones['1002'], after)[1].text).toMatch(/a=sendrecv/);
    expect((await session(id)).find((call) => call.callee === '1002')).toMatchObject({ held: false });
    await api.post(`/api/sessions/${id}/destroy`).expect(200);
  }, 60000);

  it('calls directly with the extension password (401 with a wrong one), and refer moves the other party to a third phone', async () => {
    const query = { extension_number: '1004', domain, caller: '1004', callee: '1002', send_sdp: 'true' };
    const wrong = await platform
      .http()
      .get('/api/sessions/directly')
      .query({ ...query, password: 'wrong-password' })
      .expect(401);
    expect(wrong.body).toMatchObject({ code: 20003, status: 401 });
    const { body } = await platform
      .http()
      .get('/api/sessions/directly')
      .query({ ...query, password: PASSWORD })
      .expect(200);
    await connected(body.id);
    const agentEvents = phones['1004'].events.length;
    const targetEvents = phones['1003'].events.length;

    await api
      .post(`/api/sessions/${body.id}/refer`, { extension_number: '1004', refer_to: '1003' })
      .expect(200);
    await phones['1003'].waitForEvent('CALL_ESTABLISHED', { after: targetEvents });
    await closed(phones['1004'], agentEvents);
    await waitUntil(
      async () =>
        (await session(body.id))
          .map((call) => call.callee)
          .sort()
          .join() === '1002,1003',
      10000,
      'the session between 1002 and 1003',
    );
    await api.post(`/api/sessions/${body.id}/destroy`).expect(200);
  }, 60000);

  it.each([
    [
      'the other parties’ numbers',
      (_one: string, _two: string) => ({ refer_to_1: '1002', refer_to_2: '1003' }),
    ],
    [
      'session ids',
      (one: string, two: string) => ({ session_1: one, refer_to_1: '', session_2: two, refer_to_2: '' }),
    ],
  ])(
    '{id} 1 is the latest call; attended refer by %s connects 1002 and 1003 and drops 1004',
    async (_style, fields) => {
      const first = await established('1004', '1002');
      const second = await established('1004', '1003');
      const agentEvents = phones['1004'].events.length;

      await api.post('/api/sessions/1/hold', { extension_number: '1004' }).expect(200);
      const heldIn = async (id: string) => (await session(id)).find((call) => call.callee === '1004')!.held;
      expect(await heldIn(second)).toBe(true);
      expect(await heldIn(first)).toBe(false);
      await api.post('/api/sessions/1/unhold', { extension_number: '1004' }).expect(200);

      await api
        .post('/api/sessions/1/attended_refer', { extension_number: '1004', ...fields(first, second) })
        .expect(200);
      await closed(phones['1004'], agentEvents);
      await waitUntil(
        async () => {
          const list = (await api.get('/api/sessions').expect(200)).body.items as Array<{
            calls: SessionCall[];
          }>;
          return list.some(
            (item) =>
              item.calls
                .map((call) => call.callee)
                .sort()
                .join() === '1002,1003',
          );
        },
        10000,
        '1002 and 1003 in one session',
      );
      const list = (await api.get('/api/sessions').expect(200)).body.items as Array<{
        id: string;
        calls: SessionCall[];
      }>;
      expect(list.flatMap((item) => item.calls).some((call) => call.callee === '1004')).toBe(false);
      for (const item of list) await api.post(`/api/sessions/${item.id}/destroy`).expect(200);
    },
    60000,
  );

  it('rings every phone registered as the callee extension; the first to answer takes the call, the other stops ringing', async () => {
    const second = await Baresip.start({
      user: '1003',
      password: PASSWORD,
      domain,
      registrar: '127.0.0.1:5060',
    });
    try {
      const id = await established('1004', '1003');
      await second.waitForEvent('CALL_INCOMING');
      await second.waitForEvent('CALL_CLOSED');
      const calls = await session(id);
      expect(calls.map((call) => call.callee)).toEqual(['1004', '1003']);
      await api.post(`/api/sessions/${id}/destroy`).expect(200);
    } finally {
      await second.stop();
    }
  }, 60000);
});
