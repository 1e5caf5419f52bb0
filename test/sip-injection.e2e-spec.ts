import fc from 'fast-check';
import { hasControlCharacters } from '../apps/platform/src/common/control-characters';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { SippPeer, startUas } from './support/sipp';

const INJECTIONS = [
  '\r\nX-Evil: 1',
  '\nVia: SIP/2.0/UDP 10.0.0.1',
  '\r',
  '\u0000',
  '\u0085',
  '\u2028',
  '\tX-Tab: 1',
  '"\r\nContact: <sip:evil@10.0.0.1>',
];

/**
 * Random strings in SIP-bound fields: either the API refuses them, or the INVITE the far end receives
 * carries exactly the headers a clean call carries, never one the API did not mean to send.
 */
describe('Nothing but a valid value reaches SIP', () => {
  let platform: RunningPlatform;
  let calls: CallsClient;
  let app: HttpRecorder;
  let hangupUrl: string;
  let expectedHeaders: string[];

  beforeAll(async () => {
    platform = await startPlatform();
    calls = new CallsClient(platform);
    app = await new HttpRecorder().start();
    hangupUrl = app.rcml('/hangup.xml', '<Response><Hangup/></Response>');
    const clean = await placeTo('+15550001111');
    expect(clean.status).toBe(201);
    expectedHeaders = clean.headerNames!;
    expect(expectedHeaders).toEqual(expect.arrayContaining(['From', 'To', 'Call-ID', 'Via']));
  });

  afterAll(async () => {
    await platform?.close();
    await app?.stop();
  });

  /** Places a call from `from` to a fresh SIPp peer that answers 486; reports what the peer received. */
  async function placeTo(from: string, to?: (peer: SippPeer) => string) {
    const peer = await startUas({ scenario: 'reject', responseCode: 486 });
    try {
      const response = await calls.create({
        From: from,
        To: to ? to(peer) : peer.uri('bob'),
        Url: hangupUrl,
      });
      if (response.status !== 201) {
        await peer.stop();
        const result = await peer.received;
        return { status: response.status, code: response.body.code as number, invite: result.invite };
      }
      const sid = response.body.sid as string;
      // Either the INVITE arrives or the call ends without one (a caller id Asterisk itself refused).
      let settled = false;
      void peer.received.then(() => (settled = true));
      await waitUntil(
        async () => settled || ['failed', 'busy', 'completed'].includes((await calls.fetch(sid)).body.status),
        20000,
        `call ${sid} to reach the peer or end`,
      );
      await peer.stop();
      const { invite } = await peer.received;
      return { status: 201, invite, headerNames: invite ? Object.keys(invite.headers).sort() : undefined };
    } finally {
      await peer.stop();
    }
  }

  it('refuses control characters in From (21212) and sends clean values without extra headers', async () => {
    const from = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc
        .tuple(
          fc.stringMatching(/^\+?[0-9]{3,12}$/),
          fc.constantFrom(...INJECTIONS),
          fc.string({ maxLength: 8 }),
        )
        .map(([number, injection, tail]) => number + injection + tail),
    );
    let refused = 0;
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(from, async (value) => {
        const result = await placeTo(value);
        if (hasControlCharacters(value)) {
          expect(result).toMatchObject({ status: 400, code: 21212 });
        }
        if (result.status === 400) {
          refused++;
          expect([21212, 21603]).toContain(result.code);
          expect(result.invite).toBeUndefined();
          return;
        }
        if (!result.invite) return;
        sent++;
        expect(result.headerNames).toEqual(expectedHeaders);
        for (const header of Object.values(result.invite.headers))
          expect(hasControlCharacters(header)).toBe(false);
        expect(JSON.stringify(result.invite.headers)).not.toMatch(/X-Evil|X-Tab|evil@/);
      }),
      { numRuns: 16 },
    );
    expect(refused).toBeGreaterThan(0);
    expect(sent).toBeGreaterThan(0);
  });

  it.each(INJECTIONS)('refuses To with %j (21211) and nothing goes on the wire', async (injection) => {
    const result = await placeTo('+15550001111', (peer) => peer.uri('bob') + injection);
    expect(result).toMatchObject({ status: 400, code: 21211 });
    expect(result.invite).toBeUndefined();
  });

  it('skips a Dial whose callerId or Sip header holds a line break, with a notification', async () => {
    const peer = await startUas({ scenario: 'reject', responseCode: 486 });
    try {
      const url = app.rcml(
        '/inject.xml',
        `<Response><Dial callerId="+1555\r\nX-Evil: 1"><Sip>${peer.uri('bob')}</Sip></Dial>` +
          `<Dial><Sip>${peer.uri('bob')}?X-A=1%0D%0AX-Evil:%202</Sip></Dial><Hangup/></Response>`,
      );
      const created = await calls
        .create({ From: '+15550001111', To: 'sip:answer@127.0.0.1:5070', Url: url })
        .expect(201);
      await calls.waitForStatus(created.body.sid);
      await peer.stop();
      expect((await peer.received).invite).toBeUndefined();
      const notes = await platform
        .http()
        .get(
          `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${created.body.sid}/Notifications.json`,
        )
        .auth(platform.accountSid, platform.authToken)
        .expect(200);
      const messages = notes.body.notifications
        .map((n: { message_text: string }) => n.message_text)
        .join('\n');
      expect(messages).toContain('callerId must not contain control characters');
      expect(messages).toContain('must not contain control characters');
    } finally {
      await peer.stop();
    }
  });
});
