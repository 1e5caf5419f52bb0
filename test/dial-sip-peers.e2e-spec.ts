import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { sipRegister } from './support/sip-register';
import { sipHeader, SippPeer, startUas } from './support/sipp';

describe('<Dial> against scripted SIP peers (SIPp)', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  let scenario = 0;
  const peers: SippPeer[] = [];

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
    calls = new CallsClient(platform);
  });

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const api = (path: string) => `/restcomm/2012-04-24/Accounts/${platform.accountSid}${path}`;

  async function peer(options: Parameters<typeof startUas>[0]): Promise<SippPeer> {
    const started = await startUas(options);
    peers.push(started);
    return started;
  }

  /** An API call to the far end's answer user whose RCML is `<Dial action=...>{nouns}</Dial>`. */
  async function dial(nouns: string, dialAttributes = '') {
    const id = ++scenario;
    const action = `/sipp-${id}/action`;
    appServer.rcml(action, '<Response><Hangup/></Response>');
    const url = appServer.rcml(
      `/sipp-${id}/start.xml`,
      `<Response><Dial action="${action}" ${dialAttributes}>${nouns}</Dial></Response>`,
    );
    const parentSid = (
      await calls.create(buildCallRequest({ To: farEndUri('answer'), Url: url })).expect(201)
    ).body.sid as string;
    return { id, parentSid, action: () => appServer.waitFor((r) => r.path === action, 20000) };
  }

  it('sends the URI headers on the INVITE and reports the 200 OK X- headers as DialSipHeader_*', async () => {
    const uas = await peer({
      scenario: 'answer',
      answerHeaders: { 'X-Customer': '42', 'X-Plan': 'gold' },
      holdSeconds: 1,
    });
    const { action } = await dial(`<Sip>${uas.uri('bob')}?X-Foo=bar&amp;X-Baz=1</Sip>`);
    const request = await action();
    const { invite } = await uas.received;
    expect(sipHeader(invite!.headers, 'X-Foo')).toBe('bar');
    expect(sipHeader(invite!.headers, 'X-Baz')).toBe('1');
    expect(request.body).toMatchObject({
      DialCallStatus: 'completed',
      DialSipResponseCode: '200',
      DialSipCallId: invite!.callId,
      'DialSipHeader_X-Customer': '42',
      'DialSipHeader_X-Plan': 'gold',
    });
  });

  it('passes SipCallId and SipHeader_X-* of the 200 OK to the screening document', async () => {
    const uas = await peer({ scenario: 'answer', answerHeaders: { 'X-Customer': '7' }, holdSeconds: 2 });
    const screen = `/sipp-screen-${scenario + 1}`;
    appServer.rcml(screen, '<Response><Pause length="0"/></Response>');
    const { action } = await dial(`<Sip url="${screen}">${uas.uri('carol')}</Sip>`);
    const screening = await appServer.waitFor((r) => r.path === screen, 15000);
    const { invite } = await uas.received;
    expect(screening.body).toMatchObject({ SipCallId: invite!.callId, 'SipHeader_X-Customer': '7' });
    expect((await action()).body.DialCallStatus).toBe('completed');
  });

  it.each([
    [404, 'failed'],
    [480, 'failed'],
    [486, 'busy'],
    [503, 'failed'],
    [603, 'busy'],
  ])('a peer answering %i: DialSipResponseCode is that code, DialCallStatus %s', async (code, status) => {
    const uas = await peer({ scenario: 'reject', responseCode: code });
    const { action } = await dial(`<Sip>${uas.uri('dave')}</Sip>`);
    expect((await action()).body).toMatchObject({
      DialSipResponseCode: String(code),
      DialCallStatus: status,
    });
  });

  it('authenticates with username and password when the peer challenges (digest)', async () => {
    const uas = await peer({
      scenario: 'digest-answer',
      username: 'alice',
      password: 's3cret',
      holdSeconds: 1,
    });
    const { action } = await dial(`<Sip username="alice" password="s3cret">${uas.uri('alice')}</Sip>`);
    expect((await action()).body).toMatchObject({ DialCallStatus: 'completed', DialSipResponseCode: '200' });
    expect((await uas.received).exitCode).toBe(0);
  });

  it('does not connect with a wrong digest password', async () => {
    const uas = await peer({ scenario: 'digest-answer', username: 'alice', password: 's3cret' });
    const { action } = await dial(`<Sip username="alice" password="wrong">${uas.uri('alice')}</Sip>`);
    expect((await action()).body.DialCallStatus).not.toBe('completed');
  });

  it('dials a Client that registered from a real SIP user agent, and fails an unregistered one with 480', async () => {
    const login = `agent${Date.now().toString(36)}`;
    const client = await platform
      .http()
      .post(api('/Clients.json'))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Login: login, Password: 'agent-password-1' })
      .expect(201);
    const registration = await sipRegister({ login, password: 'agent-password-1' });
    expect(registration.code).toBe(200);
    const phone = await peer({ scenario: 'answer', port: registration.port, holdSeconds: 1 });
    const { action, parentSid } = await dial(`<Client>${login}</Client>`);
    expect((await action()).body).toMatchObject({ DialCallStatus: 'completed' });
    expect((await phone.received).invite?.requestUri).toContain(login);
    const children = (
      await platform
        .http()
        .get(api(`/Calls.json?ParentCallSid=${parentSid}`))
        .auth(platform.accountSid, platform.authToken)
    ).body.calls;
    expect(children[0]).toMatchObject({ to: `client:${login}`, direction: 'outbound-dial' });

    await sipRegister({
      login,
      password: 'agent-password-1',
      expiresSeconds: 0,
      localPort: registration.port,
    });
    const offline = await dial(`<Client>${login}</Client>`);
    expect((await offline.action()).body).toMatchObject({
      DialCallStatus: 'failed',
      DialSipResponseCode: '480',
    });
    await platform
      .http()
      .delete(api(`/Clients/${client.body.sid}`))
      .auth(platform.accountSid, platform.authToken)
      .expect(204);
  });
});
