import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';

/**
 * `<Play digits>` on the real stack. The far end's `dtmf-echo` phone reads RFC 4733 DTMF until `#`
 * and sends back what it read: the platform Gathers the echo, so Digits at the action is what the
 * far end received. Spoken digits (Asterisk's `digits:` media) would reach it as audio only.
 */
describe('<Play digits> sends DTMF the far end receives', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
    calls = new CallsClient(platform);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  it('sends 0-9, *, A-D with w pauses as DTMF, and the far end reads exactly those digits', async () => {
    appServer.rcml(
      '/send.xml',
      '<Response><Play digits="w1*9wwA0D#"/><Gather finishOnKey="#" timeout="6" action="/heard"/></Response>',
    );
    appServer.rcml('/heard', '<Response><Hangup/></Response>');
    const created = await calls
      .create(buildCallRequest({ To: farEndUri('dtmf-echo'), Url: `${appServer.baseUrl}/send.xml` }))
      .expect(201);
    const sid = created.body.sid as string;

    const heard = await appServer.waitFor((r) => r.path === '/heard' && r.body.CallSid === sid, 25000);
    expect(heard.body.Digits).toBe('1*9A0D');
    const document = appServer.requests.find((r) => r.path === '/send.xml' && r.body.CallSid === sid)!;
    // Two w and one ww: at least 1.5 s of pauses before the far end could answer.
    expect(heard.receivedAt - document.receivedAt).toBeGreaterThanOrEqual(1500);
    expect((await calls.waitForStatus(sid)).status).toBe('completed');
  });
});
