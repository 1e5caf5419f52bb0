import { digestRequest } from '../../../../../test/support/http-digest';
import { RunningPlatform, startPlatform, waitUntil } from '../../../../../test/support/platform';
import { FakeSipUserDirectory } from '../../telephony/testing/fake-sip-user-directory';
import { FakeTelephonyGateway } from '../../telephony/testing/fake-telephony-gateway';
import type { OriginateRequest } from '../../telephony/telephony-gateway.port';

const PASSWORD = 'sipx-secret-42';
const PINS: Record<string, string> = { '1001': '1111', '1002': '2222', '1003': '3333' };

/**
 * The sipX-style call controller on the whole application (real SQLite, fake gateway): what is dialed
 * in each mode, with which headers, and the GET's status lines from the responses the legs got.
 */
describe('sipX /callcontroller', () => {
  let platform: RunningPlatform;
  let gateway: FakeTelephonyGateway;
  let sipUsers: FakeSipUserDirectory;
  let domain: string;

  beforeAll(async () => {
    gateway = new FakeTelephonyGateway();
    sipUsers = new FakeSipUserDirectory();
    platform = await startPlatform({ ARI_PASSWORD: 'medium-tests-use-no-ari' }, { gateway, sipUsers });
    for (const number of ['1001', '1002', '1003']) {
      const created = await platform
        .http()
        .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Extensions.json`)
        .auth(platform.accountSid, platform.authToken)
        .type('form')
        .send({ ExtensionNumber: number, Password: PASSWORD, Pin: PINS[number] })
        .expect(201);
      domain = created.body.sip_domain;
      sipUsers.register(`${number}@${domain}`, `sip:${number}@127.0.0.1:5999`);
    }
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** As the calling user of the path (or `as`), with its PIN over Digest; the tenant by its SIP domain. */
  const userOf = (path: string) => /callcontroller\/([^/]+)\//.exec(path)![1];
  const post = (path: string, form: Record<string, string> = {}, as = userOf(path)) =>
    digestRequest(platform, 'post', path, { user: as, pin: PINS[as], host: domain }, form);
  const get = (path: string, as = userOf(path)) =>
    digestRequest(platform, 'get', path, { user: as, pin: PINS[as], host: domain });

  async function nextLeg(after: number): Promise<OriginateRequest> {
    await waitUntil(() => gateway.originated.length > after, 5000, 'a leg to be placed');
    return gateway.originated[after];
  }

  it('INVITE mode: the calling user rung first for timeout s with the Subject, then the called user; GET lists each response', async () => {
    const before = gateway.originated.length;
    const placed = await post('/callcontroller/1001/1002', {
      sipMethod: 'INVITE',
      subject: 'Order 42',
      timeout: '7',
    }).expect(200);
    expect(placed.text).toBe('');
    const calling = await nextLeg(before);
    expect(calling).toMatchObject({
      target: { kind: 'sip-user', dialString: `PJSIP/1001@${domain}` },
      headers: { Subject: 'Order 42' },
      timeoutSeconds: 12,
    });
    gateway.emit(calling.channelId, {
      kind: 'setup-response',
      sipCode: 180,
      statusLine: 'SIP/2.0 180 Ringing',
    });
    gateway.answerLeg(calling.channelId);
    const called = await nextLeg(before + 1);
    expect(called.headers?.Subject).toBeUndefined();
    gateway.emit(called.channelId, { kind: 'setup-response', sipCode: 183, statusLine: 'SIP/2.0 183 Early' });
    gateway.answerLeg(called.channelId);
    await waitUntil(() => gateway.bridgeOf(called.channelId) !== undefined, 5000, 'the bridge');

    const status = await get('/sipxconfig/rest/my/redirect/callcontroller/1001/1002').expect(200);
    expect(status.headers['content-type']).toMatch(/^text\/xml/);
    expect([...status.text.matchAll(/<status-line>([^<]*)</g)].map((m) => m[1])).toEqual([
      'SIP/2.0 180 Ringing',
      'SIP/2.0 200 OK',
      'SIP/2.0 183 Early',
      'SIP/2.0 200 OK',
    ]);

    // The Subject is kept on the calling user's call record, the leg whose INVITE carried it.
    const calls = await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls.json`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    const subjects = Object.fromEntries(
      calls.body.calls.map((c: { to: string; subject: string | null }) => [c.to, c.subject]),
    );
    expect(subjects).toMatchObject({ '1001': 'Order 42', '1002': null });

    await post('/callcontroller/1001/1002', { action: 'transfer', target: '1003' }).expect(200);
    const recipient = await nextLeg(before + 2);
    expect(recipient.target).toMatchObject({ kind: 'sip-user', dialString: `PJSIP/1003@${domain}` });
  });

  it('REFER mode: the calling user is rung alone, then REFERred to the called user once it answers', async () => {
    const before = gateway.originated.length;
    await post('/callcontroller/1002/1003').expect(200);
    const calling = await nextLeg(before);
    gateway.answerLeg(calling.channelId);
    await waitUntil(
      () => gateway.commands.some((c) => c.op === 'redirect' && c.channelId === calling.channelId),
      5000,
      'the REFER',
    );
    // Its address of record: the phone's INVITE reaches the platform through its outbound proxy.
    expect(gateway.commands.find((c) => c.op === 'redirect')?.args).toEqual({
      kind: 'sip',
      uri: `sip:1003@${domain}`,
    });
    expect(gateway.originated.length).toBe(before + 1);
    const status = await get('/callcontroller/1002/1003').expect(200);
    expect(status.text).toContain('<status-line>SIP/2.0 200 OK</status-line>');
    expect(status.text).toContain('<!-- REFER sent to 1003 -->');
  });

  it('refuses a user acting for another without the agent permission, in plain text', async () => {
    const refused = await post('/callcontroller/1001/1002', {}, '1003').expect(403);
    expect(refused.headers['content-type']).toMatch(/^text\/plain/);
    expect(refused.text).toBe('user is not allowed to act as agent');
    const noAgent = await post('/callcontroller/1001/1002?agent=1003', {}, '1003').expect(403);
    expect(noAgent.text).toBe('user is not allowed to act as agent');
    await get('/callcontroller/1003/1001').expect(404);
    await platform.http().get('/callcontroller/1001/1002').expect(401);
  });
});
