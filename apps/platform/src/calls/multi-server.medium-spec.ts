import { DataSource } from 'typeorm';
import { HttpRecorder } from '../../../../test/support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from '../../../../test/support/platform';
import { CallEntity } from '../call-control/legs/call.entity';
import { MultiServerGateway } from '../telephony/ari/multi-server-gateway';
import { FakeTelephonyGateway } from '../telephony/testing/fake-telephony-gateway';

/**
 * Medium tier: the whole application on its real database, over two fake Asterisk servers behind the
 * multi-server gateway: where calls go, what their records say, and a server that stops answering.
 */
describe('Calls over two Asterisk servers (fake gateways, real database)', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let dialUrl: string;
  const ast1 = new FakeTelephonyGateway();
  const ast2 = new FakeTelephonyGateway();
  const fakes = { ast1, ast2 };
  const gateway = new MultiServerGateway(
    [
      { name: 'ast1', gateway: ast1 },
      { name: 'ast2', gateway: ast2 },
    ],
    100,
  );

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    dialUrl = appServer.rcml(
      '/dial.xml',
      '<Response><Dial><Sip>sip:bob@127.0.0.1:5999</Sip></Dial></Response>',
    );
    platform = await startPlatform({ ARI_PASSWORD: 'medium-tests-use-no-ari' }, { gateway });
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const callsPath = (suffix = '.json') =>
    `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls${suffix}`;
  const record = (sid: string) =>
    platform.app.get(DataSource).getRepository(CallEntity).findOneByOrFail({ sid });

  async function create(): Promise<{ status: number; sid: string; body: Record<string, unknown> }> {
    const response = await platform
      .http()
      .post(callsPath())
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ To: 'sip:alice@127.0.0.1:5998', From: '+15550001111', Url: dialUrl });
    return { status: response.status, sid: response.body.sid, body: response.body };
  }

  /** The server (and its fake) the call's channel was originated on. */
  async function placed(sid: string): Promise<{ name: 'ast1' | 'ast2'; channelId: string }> {
    await waitUntil(async () => (await record(sid)).asteriskServer !== null, 5000, `${sid} placed`);
    const call = await record(sid);
    return { name: call.asteriskServer as 'ast1' | 'ast2', channelId: call.channelId! };
  }

  it("spreads new calls over both servers; a Dial leg and its bridge stay on the caller's server", async () => {
    const first = await create();
    const second = await create();
    expect([first.status, second.status]).toEqual([201, 201]);
    const a = await placed(first.sid);
    const b = await placed(second.sid);
    expect([a.name, b.name].sort()).toEqual(['ast1', 'ast2']);
    expect(fakes[a.name].originated.map((r) => r.channelId)).toContain(a.channelId);
    expect(fakes[b.name].originated.map((r) => r.channelId)).toContain(b.channelId);

    // The caller on ast2 answers; its <Dial> leg is placed on ast2 and bridged there.
    const onTwo = a.name === 'ast2' ? a : b;
    const before = ast2.originated.length;
    ast2.answerLeg(onTwo.channelId);
    await waitUntil(() => ast2.originated.length > before, 5000, 'the Dial leg');
    const callee = ast2.originated[before].channelId;
    expect(ast1.originated.map((r) => r.channelId)).not.toContain(callee);
    ast2.answerLeg(callee);
    await waitUntil(() => ast2.bridgeOf(callee) !== null, 5000, 'the Dial bridge on ast2');
    expect(ast2.bridgeOf(onTwo.channelId)).toBe(ast2.bridgeOf(callee));
    expect(ast1.bridges.size).toBe(0);
    const legs = await platform
      .http()
      .get(callsPath(`.json?ParentCallSid=${onTwo === a ? first.sid : second.sid}`))
      .auth(platform.accountSid, platform.authToken);
    expect((await record(legs.body.calls[0].sid)).asteriskServer).toBe('ast2');
  });

  it('an inbound call names the server it arrived on', async () => {
    await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/IncomingPhoneNumbers.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ PhoneNumber: '+15557770000', VoiceUrl: dialUrl })
      .expect(201);
    const incoming = ast2.arrive({ channelId: 'cw-inbound-on-ast2', to: '+15557770000' });
    const calls = platform.app.get(DataSource).getRepository(CallEntity);
    await waitUntil(
      async () => (await calls.findOneBy({ channelId: incoming.channelId })) !== null,
      5000,
      'the inbound record',
    );
    expect((await calls.findOneByOrFail({ channelId: incoming.channelId })).asteriskServer).toBe('ast2');
    expect(gateway.serverOf(incoming.channelId)).toBe('ast2');
  });

  it('a server that stops answering leaves rotation: new calls go to the other; its calls get 503', async () => {
    const live = await create();
    const where = await placed(live.sid);
    fakes[where.name].answerLeg(where.channelId);
    fakes[where.name].connected = false;
    try {
      for (let i = 0; i < 3; i++) {
        const next = await create();
        expect(next.status).toBe(201);
        expect((await placed(next.sid)).name).not.toBe(where.name);
      }
      const refused = await platform
        .http()
        .post(callsPath(`/${live.sid}.json`))
        .auth(platform.accountSid, platform.authToken)
        .type('form')
        .send({ Status: 'completed' });
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe(20500);
    } finally {
      fakes[where.name].connected = true;
    }
  });

  it('with both servers down, creation is refused with 503/20500 as with one', async () => {
    ast1.connected = false;
    ast2.connected = false;
    try {
      const refused = await create();
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe(20500);
    } finally {
      ast1.connected = true;
      ast2.connected = true;
    }
  });
});
