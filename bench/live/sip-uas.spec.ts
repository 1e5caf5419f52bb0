import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { header, parseRequest, parseResponse, type SipResponse } from './sip-message';
import { behaviourOf, BenchUas } from './sip-uas';

/** A caller on a real loopback socket, as Asterisk would be. */
class Caller {
  readonly received: string[] = [];
  private socket!: Socket;

  async start(): Promise<this> {
    this.socket = createSocket('udp4');
    this.socket.on('message', (data) => this.received.push(data.toString()));
    await new Promise<void>((ok) => this.socket.bind(0, '127.0.0.1', ok));
    return this;
  }

  get port(): number {
    return (this.socket.address() as AddressInfo).port;
  }

  send(text: string, port: number): void {
    this.socket.send(text, port, '127.0.0.1');
  }

  async next(match: (text: string) => boolean): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const index = this.received.findIndex(match);
      if (index >= 0) return this.received.splice(index, 1)[0];
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('nothing arrived');
  }

  close(): void {
    this.socket.close();
  }
}

function invite(user: string, uasPort: number, callerPort: number, callId: string): string {
  return [
    `INVITE sip:${user}@127.0.0.1:${uasPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${callerPort};rport;branch=z9hG4bK${callId}`,
    `From: <sip:caller@127.0.0.1:${callerPort}>;tag=ft`,
    `To: <sip:${user}@127.0.0.1:${uasPort}>`,
    `Contact: <sip:caller@127.0.0.1:${callerPort}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const responseTo = (method: string) => (text: string) => {
  const response = parseResponse(text);
  return !!response && (header(response, 'cseq') ?? '').endsWith(method);
};

describe('live bench UAS over loopback UDP', () => {
  let uas: BenchUas;
  let caller: Caller;

  beforeEach(async () => {
    uas = await new BenchUas().start();
    caller = await new Caller().start();
  });

  afterEach(async () => {
    caller.close();
    await uas.stop();
  });

  it('names behaviour and id by the user part', () => {
    expect(behaviourOf('busy-p1')).toEqual({ behaviour: 'busy', id: 'p1' });
    expect(behaviourOf('leg-r12b')).toEqual({ behaviour: 'leg', id: 'r12b' });
    expect(uas.uri('hold', 'p3')).toBe(`sip:hold-p3@127.0.0.1:${uas.port}`);
  });

  it('answers busy-… with 486, the same 486 again to a retransmission, and notes the INVITE', async () => {
    caller.send(invite('busy-p1', uas.port, caller.port, 'c1'), uas.port);
    const busy = parseResponse(await caller.next(responseTo('INVITE')))!;
    expect(busy.status).toBe(486);
    expect(header(busy, 'to')).toMatch(/;tag=/);
    expect(uas.calls.get('p1')).toMatchObject({ behaviour: 'busy', invite: expect.any(Number) });
    caller.send(invite('busy-p1', uas.port, caller.port, 'c1'), uas.port);
    const again = await caller.next(responseTo('INVITE'));
    expect(parseResponse(again)!.status).toBe(486);
    expect(header(parseResponse(again)!, 'to')).toBe(header(busy, 'to'));
  });

  it('answers with 200 and SDP until ACKed, notes the BYE, and hangs up held calls itself', async () => {
    caller.send(invite('ans-p2', uas.port, caller.port, 'c2'), uas.port);
    const ok: SipResponse = parseResponse(await caller.next(responseTo('INVITE')))!;
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/^v=0\r\n/);
    expect(header(ok, 'content-type')).toBe('application/sdp');
    const toTag = /tag=([^;]+)/.exec(header(ok, 'to')!)![1];
    caller.send(
      `ACK sip:ans-p2@127.0.0.1:${uas.port} SIP/2.0\r\nCall-ID: c2\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n`,
      uas.port,
    );
    const acked = await uas.waitFor('p2', (c) => c.acked !== undefined, 1000);
    expect(acked?.answered).toBeLessThanOrEqual(acked!.acked!);
    expect(uas.liveDialogs).toBe(1);
    caller.send(
      `BYE sip:ans-p2@127.0.0.1:${uas.port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=z9hG4bKb\r\n` +
        `From: <sip:caller@127.0.0.1>;tag=ft\r\nTo: <sip:ans-p2@127.0.0.1>;tag=${toTag}\r\nCall-ID: c2\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n`,
      uas.port,
    );
    expect(parseResponse(await caller.next(responseTo('BYE')))!.status).toBe(200);
    expect((await uas.waitFor('p2', (c) => c.bye !== undefined, 1000))?.bye).toEqual(expect.any(Number));
    expect(uas.liveDialogs).toBe(0);

    // A held call: the UAS sends the BYE, to the caller's Contact, and notes its 200.
    caller.send(invite('hold-p3', uas.port, caller.port, 'c3'), uas.port);
    await caller.next(responseTo('INVITE'));
    expect(uas.hangup('p3')).toBe(true);
    const bye = parseRequest(await caller.next((text) => text.startsWith('BYE ')))!;
    expect(bye.uri).toBe(`sip:caller@127.0.0.1:${caller.port}`);
    expect(header(bye, 'to')).toBe(`<sip:caller@127.0.0.1:${caller.port}>;tag=ft`);
    expect(header(bye, 'call-id')).toBe('c3');
    caller.send(
      `SIP/2.0 200 OK\r\nVia: ${header(bye, 'via')}\r\nCall-ID: c3\r\nCSeq: ${header(bye, 'cseq')}\r\nContent-Length: 0\r\n\r\n`,
      uas.port,
    );
    expect((await uas.waitFor('p3', (c) => c.byeConfirmed !== undefined, 1000))?.byeConfirmed).toEqual(
      expect.any(Number),
    );
    expect(uas.hangup('p3')).toBe(false);
  });
});
