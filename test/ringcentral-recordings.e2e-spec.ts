import { wavDurationSeconds } from '../apps/platform/src/common/wav';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { Baresip } from './support/softphones';
import { createExtension, unprovisionExtensions } from './support/tenant-extensions';

const PASSWORD = 'agent-secret-42';
const BASE = '/restapi/v1.0/account/~/telephony';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Party {
  id: string;
  direction: string;
  status: { code: string; reason?: string };
  to: { phoneNumber?: string };
}

/**
 * RingCentral-style call recording (start, pause, resume: a platform Recording whose WAV leaves the
 * pause out) and forward of a ringing party, with registered baresip extensions. 3003 never answers by
 * itself; the others do.
 */
describe('RingCentral-style call recordings and forward of a ringing party, with softphones', () => {
  let platform: RunningPlatform;
  let token: string;
  let domain = '';
  const phones: Record<string, Baresip> = {};

  beforeAll(async () => {
    platform = await startPlatform({ PBX_HOLD_SIGNALLING: 'moh' });
    const tenant = { sid: platform.accountSid, token: platform.authToken };
    const numbers = ['3001', '3002', '3003', '3004'];
    for (const number of numbers)
      domain = await createExtension(platform, tenant, { ExtensionNumber: number, Password: PASSWORD });
    await Promise.all(
      numbers.map(async (number) => {
        phones[number] = await Baresip.start({
          user: number,
          password: PASSWORD,
          domain,
          registrar: '127.0.0.1:5060',
          autoAnswer: number !== '3003',
        });
      }),
    );
    token = (
      await platform
        .http()
        .post('/restapi/oauth/token')
        .auth(platform.accountSid, platform.authToken)
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200)
    ).body.access_token;
  }, 60000);

  afterAll(async () => {
    await Promise.all(Object.values(phones).map((phone) => phone.stop()));
    if (platform) await unprovisionExtensions(platform);
    await platform?.close();
  });

  const api = {
    post: (p: string, body: object = {}) =>
      platform.http().post(p).set('Authorization', `Bearer ${token}`).send(body),
    patch: (p: string, body: object) =>
      platform.http().patch(p).set('Authorization', `Bearer ${token}`).send(body),
    get: (p: string) => platform.http().get(p).set('Authorization', `Bearer ${token}`),
    delete: (p: string) => platform.http().delete(p).set('Authorization', `Bearer ${token}`),
  };
  const parties = async (id: string): Promise<Party[]> =>
    (await api.get(`${BASE}/sessions/${id}`).expect(200)).body.parties;
  const answered = (id: string) =>
    waitUntil(
      async () => {
        const now: Party[] = (await api.get(`${BASE}/sessions/${id}`)).body.parties ?? [];
        return now.filter((p) => p.status.code === 'Answered').length === 2;
      },
      10000,
      `session ${id} answered`,
    );
  const restcomm = (path: string) =>
    platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}${path}`)
      .auth(platform.accountSid, platform.authToken);

  it('records the call from start to hang-up: the Recording of the party has a WAV without the pause', async () => {
    const { body } = await api
      .post(`${BASE}/call-out`, { from: { extensionNumber: '3001' }, to: { extensionNumber: '3002' } })
      .expect(200);
    const id = body.session.id as string;
    await answered(id);
    const [agent] = await parties(id);
    const recordings = `${BASE}/sessions/${id}/parties/${agent.id}/recordings`;

    const started = await api.post(recordings).expect(201);
    const begin = Date.now();
    expect(started.body).toEqual({ id: expect.any(String), active: true });
    const recording = `${recordings}/${started.body.id}`;
    await sleep(2000);
    expect((await api.patch(recording, { active: false }).expect(200)).body).toEqual({
      id: started.body.id,
      active: false,
    });
    const paused = Date.now();
    // Pausing a paused recording changes nothing.
    await api.patch(recording, { active: false }).expect(200);
    await sleep(2000);
    await api.patch(recording, { active: true }).expect(200);
    const resumed = Date.now();
    await sleep(2000);
    await api.delete(`${BASE}/sessions/${id}`).expect(204);
    const end = Date.now();

    const unknown = await api.patch(`${recordings}/cw-rec-nope`, { active: false }).expect(404);
    expect(unknown.body).toMatchObject({ errorCode: 'CMN-102' });

    let listed: Array<{ sid: string; duration: string | number; call_sid: string; source?: string }> = [];
    await waitUntil(
      async () => {
        listed = (await restcomm(`/Calls/${agent.id}/Recordings.json`).expect(200)).body.recordings;
        return listed.length === 1;
      },
      15000,
      'the Recording of the party',
    );
    expect(listed[0].call_sid).toBe(agent.id);
    const wav = await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Recordings/${listed[0].sid}.wav`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const seconds = wavDurationSeconds(wav.body as Buffer);
    const talked = (paused - begin + (end - resumed)) / 1000;
    expect(seconds).not.toBeNull();
    expect(Math.abs(seconds! - talked)).toBeLessThanOrEqual(1);
    expect(Math.abs(Number(listed[0].duration) - talked)).toBeLessThanOrEqual(1);
  }, 60000);

  it('forwards a ringing party: its phone stops ringing and the target answers, bridged with the caller', async () => {
    const ringing = phones['3003'].events.length;
    const target = phones['3004'].events.length;
    const { body } = await api
      .post(`${BASE}/call-out`, { from: { extensionNumber: '3001' }, to: { extensionNumber: '3003' } })
      .expect(200);
    const id = body.session.id as string;
    await phones['3003'].waitForEvent('CALL_INCOMING', { after: ringing });
    let callee: Party | undefined;
    await waitUntil(
      async () => {
        callee = (await parties(id)).find((p) => p.direction === 'Inbound' && p.status.code === 'Proceeding');
        return !!callee;
      },
      5000,
      'the ringing party',
    );
    await api
      .post(`${BASE}/sessions/${id}/parties/${callee!.id}/forward`, { extensionNumber: '3004' })
      .expect(200);
    await phones['3003'].waitForEvent('CALL_CLOSED', { after: ringing });
    await phones['3004'].waitForEvent('CALL_ESTABLISHED', { after: target });
    await answered(id);
    const now = await parties(id);
    const recipient = now.find((p) => p.status.code === 'Answered' && p.direction === 'Inbound')!;
    expect(recipient.to.phoneNumber).toBe('3004');
    const again = await api
      .post(`${BASE}/sessions/${id}/parties/${recipient.id}/forward`, { extensionNumber: '3002' })
      .expect(409);
    expect(again.body).toMatchObject({ errorCode: 'TAS-103' });
    await api.delete(`${BASE}/sessions/${id}`).expect(204);
  }, 60000);

  it('forwards the ringing callee of a phone calling an extension: the caller is bridged with the target', async () => {
    const ringing = phones['3003'].events.length;
    const target = phones['3004'].events.length;
    const caller = phones['3002'].events.length;
    await phones['3002'].dial(`sip:3003@${domain}`);
    await phones['3003'].waitForEvent('CALL_INCOMING', { after: ringing });
    let session: { id: string; parties: Party[] } | undefined;
    await waitUntil(
      async () => {
        const candidates = await Promise.all(
          (await sessionIds()).map(async (sid) => (await api.get(`${BASE}/sessions/${sid}`)).body),
        );
        session = candidates.find((s) => s?.parties?.some((p: Party) => p.to.phoneNumber === '3003'));
        return !!session;
      },
      5000,
      'the inbound session',
    );
    // The caller is the session's first party (it placed the call); the extension's phone is rung for it.
    const callee = session!.parties.find((p) => p.direction === 'Inbound' && p.to.phoneNumber === '3003')!;
    expect(callee.status.code).toBe('Proceeding');
    await api
      .post(`${BASE}/sessions/${session!.id}/parties/${callee.id}/forward`, { extensionNumber: '3004' })
      .expect(200);
    await phones['3003'].waitForEvent('CALL_CLOSED', { after: ringing });
    await phones['3004'].waitForEvent('CALL_ESTABLISHED', { after: target });
    await phones['3002'].waitForEvent('CALL_ESTABLISHED', { after: caller });
    await answered(session!.id);
    await api.delete(`${BASE}/sessions/${session!.id}`).expect(204);
  }, 60000);

  /** The live sessions' ids, as presence of the calling extension lists them. */
  async function sessionIds(): Promise<string[]> {
    const granted = await platform
      .http()
      .post('/restapi/oauth/token')
      .type('form')
      .send({ grant_type: 'password', username: `3002@${domain}`, password: PASSWORD })
      .expect(200);
    const presence = await platform
      .http()
      .get('/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true')
      .set('Authorization', `Bearer ${granted.body.access_token}`)
      .expect(200);
    return (presence.body.activeCalls ?? []).map(
      (call: { telephonySessionId: string }) => call.telephonySessionId,
    );
  }
});
