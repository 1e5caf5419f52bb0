import { extensionChannel, liveBridges, liveChannels, writeFormat } from './support/asterisk-inspector';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { Baresip } from './support/softphones';
import { createExtension, unprovisionExtensions } from './support/tenant-extensions';

const PASSWORD = 'agent-secret-42';
const BASE = '/restapi/v1.0/account/~/telephony';

interface Party {
  id: string;
  status: { code: string };
  to: { phoneNumber?: string; extensionNumber?: string };
  park?: { id: string };
}

/**
 * Park and pickup, flip and supervise of the RingCentral-style API on the real stack: baresip phones
 * registered as extensions (1001 twice: its desk phone answers by itself, its second phone does not).
 */
describe('RingCentral-style park, flip and supervise with registered softphones', () => {
  let platform: RunningPlatform;
  let token: string;
  let domain = '';
  const phones: Record<string, Baresip> = {};

  beforeAll(async () => {
    platform = await startPlatform({ PBX_HOLD_SIGNALLING: 'moh' });
    const tenant = { sid: platform.accountSid, token: platform.authToken };
    for (const number of ['1001', '1002', '1003', '1009'])
      domain = await createExtension(platform, tenant, { ExtensionNumber: number, Password: PASSWORD });
    const phone = (user: string, autoAnswer = true) =>
      Baresip.start({ user, password: PASSWORD, domain, registrar: '127.0.0.1:5060', autoAnswer });
    [phones['1001'], phones['1001b'], phones['1002'], phones['1003'], phones['1009']] = await Promise.all([
      phone('1001'),
      phone('1001', false),
      phone('1002'),
      phone('1003'),
      phone('1009'),
    ]);
    token = await tokenFor();
  }, 60000);

  afterAll(async () => {
    await Promise.all(Object.values(phones).map((phone) => phone.stop()));
    if (platform) await unprovisionExtensions(platform);
    await platform?.close();
  });

  async function tokenFor(extension?: string): Promise<string> {
    const request = platform.http().post('/restapi/oauth/token').type('form');
    const granted = extension
      ? await request
          .send({ grant_type: 'password', username: `${extension}@${domain}`, password: PASSWORD })
          .expect(200)
      : await request
          .auth(platform.accountSid, platform.authToken)
          .send({ grant_type: 'client_credentials' })
          .expect(200);
    return granted.body.access_token;
  }
  const api = (bearer = token) => ({
    post: (p: string, body: object = {}) =>
      platform.http().post(p).set('Authorization', `Bearer ${bearer}`).send(body),
    get: (p: string) => platform.http().get(p).set('Authorization', `Bearer ${bearer}`),
    delete: (p: string) => platform.http().delete(p).set('Authorization', `Bearer ${bearer}`),
  });
  const parties = async (id: string): Promise<Party[]> =>
    (await api().get(`${BASE}/sessions/${id}`).expect(200)).body.parties;
  const codes = async (id: string) => (await parties(id)).map((p) => p.status.code).join();
  const reInvites = (phone: Baresip, after: number) =>
    phone
      .sipTrace()
      .slice(after)
      .filter((m) => m.direction === 'received' && /^INVITE /.test(m.text));
  /** The format Asterisk writes to the channel, as `core show channel` says. */
  /** The channel of an extension's phone in the platform Asterisk (one per extension here). */
  const channelOf = async (extension: string) => (await extensionChannel(extension, domain))!;

  /** 1001 calls 1002: its desk phone answers, then 1002's. */
  async function agentCallsCustomer(): Promise<{ id: string; agent: string; customer: string }> {
    const { body } = await api()
      .post(`${BASE}/call-out`, { from: { extensionNumber: '1001' }, to: { extensionNumber: '1002' } })
      .expect(200);
    const id = body.session.id as string;
    await waitUntil(
      async () =>
        (await api().get(`${BASE}/sessions/${id}`)).body.parties?.length === 2 &&
        (await codes(id)) === 'Answered,Answered',
      15000,
      'the call-out answered',
    );
    const [agent, customer] = await parties(id);
    return { id, agent: agent.id, customer: customer.id };
  }

  it('parks the customer on music on hold in Asterisk (Parked, park id), drops the agent, and 1003 picks it up', async () => {
    const agentEvents = phones['1001'].events.length;
    const { id, agent, customer } = await agentCallsCustomer();
    const customerChannel = await channelOf('1002');
    expect(await writeFormat(customerChannel.name)).toBe('ulaw');
    const traced = phones['1002'].sipTrace().length;

    const parked = await api().post(`${BASE}/sessions/${id}/parties/${agent}/park`).expect(200);
    expect(parked.body).toMatchObject({ id: customer, status: { code: 'Parked' }, park: { id: '801' } });
    await phones['1001'].waitForEvent('CALL_CLOSED', { after: agentEvents });
    // Asterisk plays its music files to the channel: what it writes to the phone is theirs (gsm), not the call's.
    await waitUntil(async () => (await writeFormat(customerChannel.name)) === 'gsm', 5000, 'music on hold');
    await waitUntil(
      async () =>
        (await liveBridges()).find((bridge) => bridge.id === id)?.channels.join() === customerChannel.id,
      5000,
      'the customer alone in its bridge',
    );
    expect(await codes(id)).toBe('Parked');
    const presence = await api(await tokenFor('1002'))
      .get('/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true')
      .expect(200);
    expect(presence.body).toMatchObject({ telephonyStatus: 'ParkedCall' });

    const pickerEvents = phones['1003'].events.length;
    await api(await tokenFor('1003'))
      .post(`${BASE}/sessions/${id}/parties/${customer}/pickup`)
      .expect(200);
    await phones['1003'].waitForEvent('CALL_ESTABLISHED', { after: pickerEvents });
    await waitUntil(async () => (await codes(id)) === 'Answered,Answered', 10000, 'picked up');
    expect((await parties(id))[1].to).toMatchObject({ extensionNumber: '1003' });
    await waitUntil(async () => (await writeFormat(customerChannel.name)) === 'ulaw', 5000, 'music stopped');
    expect((await liveBridges()).find((bridge) => bridge.id === id)?.channels).toHaveLength(2);
    // Parked on Asterisk's own music: the customer's phone was told nothing.
    expect(reInvites(phones['1002'], traced)).toEqual([]);
    await api().delete(`${BASE}/sessions/${id}`).expect(204);
    await phones['1003'].waitForEvent('CALL_CLOSED', { after: pickerEvents });
  }, 60000);

  it('flips the agent’s call to its second phone: the customer stays, the desk phone is released', async () => {
    const deskEvents = phones['1001'].events.length;
    const { id, customer } = await agentCallsCustomer();
    const [agentParty] = await parties(id);
    const extensions = `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Extensions`;
    const basic = (p: string) => platform.http().get(p).auth(platform.accountSid, platform.authToken);
    const listed = await basic(`${extensions}.json?ExtensionNumber=1001`).expect(200);
    const { body: extension } = await basic(`${extensions}/${listed.body.extensions[0].sid}.json`).expect(
      200,
    );
    const port = /:(\d+)$/.exec(phones['1001b'].contactUri)![1];
    const position =
      extension.registrations.findIndex((r: { contact: string }) => r.contact.includes(`:${port}`)) + 1;
    expect(position).toBeGreaterThan(0);

    const secondEvents = phones['1001b'].events.length;
    await api()
      .post(`${BASE}/sessions/${id}/parties/${agentParty.id}/flip`, { callFlipId: String(position) })
      .expect(200);
    await phones['1001b'].waitForEvent('CALL_INCOMING', { after: secondEvents });
    await phones['1001b'].accept();
    await phones['1001b'].waitForEvent('CALL_ESTABLISHED', { after: secondEvents });
    await phones['1001'].waitForEvent('CALL_CLOSED', { after: deskEvents });
    await waitUntil(async () => (await codes(id)) === 'Answered,Answered', 10000, 'flipped');
    const now = await parties(id);
    expect(now[0].id).toBe(customer);
    expect(now[1]).toMatchObject({ to: { extensionNumber: '1001' } });
    expect(now[1].id).not.toBe(agentParty.id);
    await api().delete(`${BASE}/sessions/${id}`).expect(204);
    await phones['1001b'].waitForEvent('CALL_CLOSED', { after: secondEvents });
  }, 60000);

  it('lets 1009 listen through a snoop channel bridged with it; agent and customer get no re-INVITE', async () => {
    const { id, agent, customer } = await agentCallsCustomer();
    const agentTraced = phones['1001'].sipTrace().length;
    const customerTraced = phones['1002'].sipTrace().length;
    const supervisorEvents = phones['1009'].events.length;

    const { body } = await api()
      .post(`${BASE}/sessions/${id}/supervise`, {
        mode: 'Listen',
        extensionNumber: '1009',
        agentExtensionNumber: '1001',
      })
      .expect(200);
    await phones['1009'].waitForEvent('CALL_ESTABLISHED', { after: supervisorEvents });
    const supervision = body.telephonySessionId as string;
    const supervisorChannel = await channelOf('1009');
    await waitUntil(
      async () => {
        const snoop = (await liveChannels()).find((channel) => channel.name.startsWith('Snoop/'));
        const bridge = (await liveBridges()).find((candidate) => candidate.id === supervision);
        return !!snoop && bridge?.channels.sort().join() === [snoop.id, supervisorChannel.id].sort().join();
      },
      10000,
      'the snoop bridged with the supervisor',
    );
    expect((await parties(supervision)).map((p) => p.status.code)).toEqual(['Answered']);
    expect((await parties(id)).map((p) => p.id)).toEqual([agent, customer]);
    expect(reInvites(phones['1001'], agentTraced)).toEqual([]);
    expect(reInvites(phones['1002'], customerTraced)).toEqual([]);

    await api().delete(`${BASE}/sessions/${id}`).expect(204);
    await phones['1009'].waitForEvent('CALL_CLOSED', { after: supervisorEvents });
    await waitUntil(
      async () => !(await liveChannels()).some((channel) => channel.name.startsWith('Snoop/')),
      5000,
      'the snoop gone',
    );
  }, 60000);
});
