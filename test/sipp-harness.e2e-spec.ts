import { WebSocket } from 'undici';
import { SippPeer, SippResult, sipHeader, startUas } from './support/sipp';

/**
 * The SIPp harness against the real platform Asterisk, driven through ARI directly (no platform):
 * what each UAS scenario makes Asterisk see, and what the harness reports back.
 */
const ARI = process.env.ARI_URL ?? 'http://127.0.0.1:8088';
const USER = process.env.ARI_USERNAME ?? 'callwright';
const PASS = process.env.ARI_PASSWORD ?? 'callwright';
const AUTH = 'Basic ' + Buffer.from(`${USER}:${PASS}`).toString('base64');
const APP = 'sipp-check';

interface AriEvent {
  type: string;
  timestamp?: string;
  channel?: { id: string; protocol_id?: string; state?: string };
  cause?: number;
  tech_cause?: number;
}

let socket: WebSocket;
const events: AriEvent[] = [];
const waiters: { match: (event: AriEvent) => boolean; resolve: (event: AriEvent) => void }[] = [];
let sequence = 0;
let peer: SippPeer | undefined;

beforeAll(async () => {
  const url = `${ARI.replace(/^http/, 'ws')}/ari/events?app=${APP}&api_key=${encodeURIComponent(`${USER}:${PASS}`)}`;
  socket = new WebSocket(url);
  socket.addEventListener('message', (message) => {
    const event = JSON.parse(String(message.data)) as AriEvent;
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.match(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error(`cannot connect ARI websocket ${ARI}`)));
  });
});

afterAll(() => socket.close());

afterEach(async () => {
  await peer?.stop();
  peer = undefined;
});

function nextEvent(type: string, channelId: string, timeoutMs = 15000): Promise<AriEvent> {
  const match = (event: AriEvent) => event.type === type && event.channel?.id === channelId;
  const seen = events.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} for ${channelId}`)), timeoutMs);
    waiters.push({
      match,
      resolve: (event) => {
        clearTimeout(timer);
        resolve(event);
      },
    });
  });
}

async function ari(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${ARI}/ari${path}`, {
    method,
    headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Originates into the sipp-check app; returns the channel id. */
async function originate(endpoint: string, timeoutSeconds = 10): Promise<string> {
  const channelId = `sipp-check-${process.pid}-${++sequence}`;
  const query = new URLSearchParams({ endpoint, app: APP, channelId, timeout: String(timeoutSeconds) });
  const response = await ari('POST', `/channels?${query}`, {
    variables: { 'PJSIP_HEADER(add,X-Test)': 'hello' },
  });
  expect(response.status).toBe(200);
  return channelId;
}

/** Shows SIPp's log when the exit code is not the expected one. */
function expectExit(result: SippResult, exitCode: number): void {
  if (result.exitCode !== exitCode) {
    throw new Error(`sipp exited ${result.exitCode}, expected ${exitCode}:\n${result.log}`);
  }
}

async function channelVariable(channelId: string, variable: string): Promise<string> {
  const response = await ari(
    'GET',
    `/channels/${channelId}/variable?variable=${encodeURIComponent(variable)}`,
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { value: string }).value;
}

describe('SIPp UAS harness against the platform Asterisk', () => {
  it('answer: 200 OK headers are readable, the INVITE and its X- header are captured', async () => {
    peer = await startUas({ scenario: 'answer', answerHeaders: { 'X-Customer': '42', 'X-Other': 'b c' } });
    const channelId = await originate(`PJSIP/outbound/${peer.uri('bob')}`);
    const start = await nextEvent('StasisStart', channelId);
    expect(await channelVariable(channelId, 'PJSIP_RESPONSE_HEADER(read,X-Customer)')).toBe('42');
    expect(await channelVariable(channelId, 'PJSIP_RESPONSE_HEADER(read,X-Other)')).toBe('b c');
    expect((await ari('DELETE', `/channels/${channelId}`)).status).toBe(204);

    const result = await peer.received;
    expectExit(result, 0);
    expect(result.invite?.headers['X-Test']).toBe('hello');
    expect(sipHeader(result.invite!.headers, 'x-test')).toBe('hello');
    expect(result.invite?.requestUri).toBe(`sip:bob@127.0.0.1:${peer.port}`);
    expect(result.invite?.callId).toBe(start.channel?.protocol_id);
  });

  it.each([486, 404, 603])('reject %i: Asterisk reports the code as tech_cause', async (code) => {
    peer = await startUas({ scenario: 'reject', responseCode: code });
    const channelId = await originate(`PJSIP/outbound/${peer.uri('bob')}`);
    const destroyed = await nextEvent('ChannelDestroyed', channelId);
    expect(destroyed.tech_cause).toBe(code);
    expect(events.some((e) => e.type === 'StasisStart' && e.channel?.id === channelId)).toBe(false);
    const result = await peer.received;
    expectExit(result, 0);
    expect(result.invite?.headers['X-Test']).toBe('hello');
  });

  it('answer over TCP', async () => {
    peer = await startUas({ scenario: 'answer', transport: 'tcp' });
    expect(peer.uri('bob')).toBe(`sip:bob@127.0.0.1:${peer.port};transport=tcp`);
    const channelId = await originate(`PJSIP/outbound/${peer.uri('bob')}`);
    await nextEvent('StasisStart', channelId);
    await ari('DELETE', `/channels/${channelId}`);
    const result = await peer.received;
    expectExit(result, 0);
    expect(result.invite?.headers['Via']).toMatch(/^SIP\/2\.0\/TCP /);
  });

  it('answer with holdSeconds: the peer hangs up itself', async () => {
    peer = await startUas({ scenario: 'answer', holdSeconds: 1 });
    const channelId = await originate(`PJSIP/outbound/${peer.uri('bob')}`);
    const start = await nextEvent('StasisStart', channelId);
    const destroyed = await nextEvent('ChannelDestroyed', channelId);
    // A BYE without a Reason header (as most phones send it) gives cause 0 "Unknown", not 16.
    expect(destroyed.cause).toBe(0);
    expect(Date.parse(destroyed.timestamp!) - Date.parse(start.timestamp!)).toBeGreaterThanOrEqual(900);
    expectExit(await peer.received, 0);
  });

  it('ring-forever: rings until the caller cancels', async () => {
    peer = await startUas({ scenario: 'ring-forever' });
    const channelId = await originate(`PJSIP/outbound/${peer.uri('bob')}`, 2);
    const destroyed = await nextEvent('ChannelDestroyed', channelId);
    expect(destroyed.channel?.state).toBe('Ringing');
    expect(events.some((e) => e.type === 'StasisStart' && e.channel?.id === channelId)).toBe(false);
    expectExit(await peer.received, 0); // CANCEL, 200, 487, ACK
  });

  it('stop() ends a peer that got no call and frees its port', async () => {
    const idle = await startUas({ scenario: 'ring-forever', transport: 'tcp' });
    await idle.stop();
    const result = await idle.received;
    expect(result.exitCode).toBe(128 + 15); // SIGTERM
    expect(result.invite).toBeUndefined();
    peer = await startUas({ scenario: 'answer', port: idle.port, transport: 'tcp' });
    expect(peer.port).toBe(idle.port);
  });

  describe('digest-answer', () => {
    // A PJSIP endpoint with outbound credentials, created at run time like the platform would.
    const id = `sipp-digest-${process.pid}`;

    beforeAll(async () => {
      const auth = await ari('PUT', `/asterisk/config/dynamic/res_pjsip/auth/${id}`, {
        fields: [
          { attribute: 'auth_type', value: 'userpass' },
          { attribute: 'username', value: 'alice' },
          { attribute: 'password', value: 's3cret' },
        ],
      });
      expect(auth.status).toBe(200);
      const endpoint = await ari('PUT', `/asterisk/config/dynamic/res_pjsip/endpoint/${id}`, {
        fields: [
          { attribute: 'outbound_auth', value: id },
          { attribute: 'context', value: 'from-sip' },
          { attribute: 'disallow', value: 'all' },
          { attribute: 'allow', value: 'ulaw,alaw' },
          { attribute: 'direct_media', value: 'no' },
        ],
      });
      expect(endpoint.status).toBe(200);
    });

    afterAll(async () => {
      await ari('DELETE', `/asterisk/config/dynamic/res_pjsip/endpoint/${id}`);
      await ari('DELETE', `/asterisk/config/dynamic/res_pjsip/auth/${id}`);
    });

    it('right credentials: answered after the 401 challenge', async () => {
      peer = await startUas({ scenario: 'digest-answer', username: 'alice', password: 's3cret' });
      const channelId = await originate(`PJSIP/${id}/${peer.uri('bob')}`);
      await nextEvent('StasisStart', channelId);
      await ari('DELETE', `/channels/${channelId}`);
      const result = await peer.received;
      expectExit(result, 0);
      expect(result.log).toContain('CW_AUTH ok');
      expect(result.invite?.headers['Authorization']).toMatch(
        /^Digest username="alice", realm="callwright-test"/,
      );
      expect(result.invite?.headers['X-Test']).toBe('hello');
    });

    it('wrong credentials: 403, never answered', async () => {
      peer = await startUas({ scenario: 'digest-answer', username: 'alice', password: 'other' });
      const channelId = await originate(`PJSIP/${id}/${peer.uri('bob')}`);
      const destroyed = await nextEvent('ChannelDestroyed', channelId);
      expect(destroyed.tech_cause).toBe(403);
      expect(events.some((e) => e.type === 'StasisStart' && e.channel?.id === channelId)).toBe(false);
      const result = await peer.received;
      expectExit(result, 1);
      expect(result.log).toContain('CW_AUTH failed');
    });

    it('no credentials (outbound endpoint): the 401 ends the call', async () => {
      peer = await startUas({ scenario: 'digest-answer' });
      const channelId = await originate(`PJSIP/outbound/${peer.uri('bob')}`);
      const destroyed = await nextEvent('ChannelDestroyed', channelId);
      expect(destroyed.tech_cause).toBe(401);
    });
  });
});
