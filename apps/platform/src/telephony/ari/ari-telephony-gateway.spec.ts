import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import * as ari from 'ari-client';
import { loadConfig } from '../../config/app-config';
import { TelephonyError, type ChannelEvent, type DialTarget } from '../telephony-gateway.port';
import { AriTelephonyGateway, reconnectDelayMs } from './ari-telephony-gateway';

jest.mock('ari-client', () => ({ connect: jest.fn() }));

/** Stands in for ari-client's Client: an event emitter with the few methods the adapter calls. */
class FakeAriClient extends EventEmitter {
  started = false;
  stops = 0;
  liveChannels: string[] = [];
  readonly channels = { list: jest.fn(async () => this.liveChannels.map((id) => ({ id }))) };
  async start(): Promise<void> {
    this.started = true;
  }
  stop(): void {
    this.stops++;
  }
}

class FastRetryGateway extends AriTelephonyGateway {
  protected retryDelayMs(): number {
    return 1;
  }
}

const connect = ari.connect as unknown as jest.Mock;

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('AriTelephonyGateway connection handling', () => {
  beforeAll(() => Logger.overrideLogger(false));

  let gateway: FastRetryGateway;

  afterEach(async () => {
    await gateway.onApplicationShutdown();
    connect.mockReset();
  });

  it('keeps retrying a failed connect until Asterisk answers', async () => {
    const client = new FakeAriClient();
    connect
      .mockRejectedValueOnce(new Error('ECONNREFUSED'))
      .mockRejectedValueOnce(new Error('ECONNREFUSED'))
      .mockRejectedValueOnce(new Error('ECONNREFUSED'))
      .mockResolvedValue(client);
    gateway = new FastRetryGateway(loadConfig({}));
    gateway.onApplicationBootstrap();
    await eventually(() => gateway.isConnected());
    expect(connect).toHaveBeenCalledTimes(4);
    expect(client.started).toBe(true);
  });

  it('starts over with a new client when ari-client gives up its own retries', async () => {
    const first = new FakeAriClient();
    const second = new FakeAriClient();
    connect.mockResolvedValueOnce(first).mockResolvedValueOnce(second);
    gateway = new FastRetryGateway(loadConfig({}));
    gateway.onApplicationBootstrap();
    await eventually(() => gateway.isConnected());
    first.emit('WebSocketMaxRetries', new Error('gone'));
    await eventually(() => second.started && gateway.isConnected());
    expect(connect).toHaveBeenCalledTimes(2);
  });

  it('routes events to the watcher of their channel, in order, and reports channels that vanished while disconnected', async () => {
    const client = new FakeAriClient();
    connect.mockResolvedValue(client);
    gateway = new FastRetryGateway(loadConfig({}));
    let connections = 0;
    gateway.onConnected(() => connections++);
    gateway.onApplicationBootstrap();
    await eventually(() => gateway.isConnected());
    expect(connections).toBe(1);

    const seen: ChannelEvent[] = [];
    const vanished: ChannelEvent[] = [];
    gateway.watchChannel('chan-1', (event) => seen.push(event));
    gateway.watchChannel('chan-2', (event) => vanished.push(event));
    client.emit('*', { type: 'ChannelStateChange', channel: { id: 'chan-1', state: 'Ringing' } });
    client.emit('*', { type: 'ChannelStateChange', channel: { id: 'other', state: 'Ringing' } });
    client.emit('*', {
      type: 'ChannelStateChange',
      channel: { id: 'chan-1', state: 'Up', protocol_id: 'abc@host' },
    });
    client.emit('*', { type: 'StasisStart', channel: { id: 'chan-1', protocol_id: 'abc@host' } });
    client.emit('*', {
      type: 'ChannelDestroyed',
      channel: { id: 'chan-1' },
      cause: 16,
      cause_txt: 'Normal Clearing',
    });
    client.emit('*', {
      type: 'ChannelDestroyed',
      channel: { id: 'chan-1' },
      cause: 16,
      cause_txt: 'Normal Clearing',
    });
    expect(seen.map((event) => event.kind)).toEqual(['ringing', 'answered', 'entered-app', 'hangup']);
    expect(seen[1]).toEqual({ kind: 'answered', sipCallId: 'abc@host' });

    client.emit('WebSocketReconnecting');
    expect(gateway.isConnected()).toBe(false);
    client.emit('WebSocketConnected');
    expect(connections).toBe(2);
    await eventually(() => vanished.length === 1);
    expect(vanished[0]).toMatchObject({ kind: 'hangup', vanished: true });
  });

  it('gives vanished channels the moment the connection was lost, not the moment it came back', async () => {
    const client = new FakeAriClient();
    connect.mockResolvedValue(client);
    gateway = new FastRetryGateway(loadConfig({}));
    gateway.onApplicationBootstrap();
    await eventually(() => gateway.isConnected());
    const events: ChannelEvent[] = [];
    gateway.watchChannel('chan-gone', (event) => events.push(event));
    gateway.watchChannel('chan-alive', (event) => events.push(event));
    client.liveChannels = ['chan-alive'];

    const before = Date.now();
    client.emit('WebSocketReconnecting');
    const after = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 120));
    client.emit('WebSocketReconnecting'); // each failed retry says so again: the first loss counts
    await new Promise((resolve) => setTimeout(resolve, 120));
    client.emit('WebSocketConnected');
    await eventually(() => events.length === 1);

    const [hangup] = events as Array<Extract<ChannelEvent, { kind: 'hangup' }>>;
    expect(hangup).toMatchObject({ kind: 'hangup', vanished: true });
    expect(hangup.endedAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(hangup.endedAt!.getTime()).toBeLessThanOrEqual(after);
  });

  it('closes a websocket that ari-client reopens after shutdown (its retry timer outlives stop())', async () => {
    const client = new FakeAriClient();
    connect.mockResolvedValue(client);
    gateway = new FastRetryGateway(loadConfig({}));
    gateway.onApplicationBootstrap();
    await eventually(() => gateway.isConnected());
    client.emit('WebSocketReconnecting');
    await gateway.onApplicationShutdown();
    expect(client.stops).toBe(1);
    client.emit('WebSocketConnected');
    expect(client.stops).toBe(2);
    expect(gateway.isConnected()).toBe(false);
  });

  it('keeps the moment of loss when ari-client gives up and a new connection reconciles', async () => {
    // Like ari-client, announces the websocket from inside start().
    class AnnouncingClient extends FakeAriClient {
      async start(): Promise<void> {
        this.started = true;
        this.emit('WebSocketConnected');
      }
    }
    const first = new AnnouncingClient();
    const second = new AnnouncingClient();
    connect.mockResolvedValueOnce(first).mockResolvedValueOnce(second);
    gateway = new FastRetryGateway(loadConfig({}));
    gateway.onApplicationBootstrap();
    await eventually(() => gateway.isConnected());
    const events: ChannelEvent[] = [];
    gateway.watchChannel('chan-gone', (event) => events.push(event));

    const before = Date.now();
    first.emit('WebSocketReconnecting');
    const after = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 120));
    first.emit('WebSocketMaxRetries', new Error('gone'));
    await eventually(() => events.length === 1);
    const endedAt = (events[0] as { endedAt?: Date }).endedAt!.getTime();
    expect(endedAt).toBeGreaterThanOrEqual(before);
    expect(endedAt).toBeLessThanOrEqual(after);
  });
});

describe('reconnectDelayMs', () => {
  it('grows exponentially, caps at 30 s and jitters by ±50 %', () => {
    expect(reconnectDelayMs(0, () => 0.5)).toBe(500);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(4000);
    expect(reconnectDelayMs(20, () => 0.5)).toBe(30000);
    expect(reconnectDelayMs(2, () => 0)).toBe(1000);
    expect(reconnectDelayMs(2, () => 0.999)).toBeCloseTo(2998, -1);
  });
});

describe('AriTelephonyGateway hop header', () => {
  beforeAll(() => Logger.overrideLogger(false));

  class HopClient extends FakeAriClient {
    readonly channels = {
      list: jest.fn(async () => []),
      originate: jest.fn(async () => ({})),
      create: jest.fn(async () => ({})),
      sendDTMF: jest.fn(async () => undefined),
      setChannelVar: jest.fn(async () => undefined),
    };
    readonly applications = { subscribe: jest.fn(async () => ({})) };
  }

  let gateway: FastRetryGateway;
  let client: HopClient;

  beforeEach(async () => {
    client = new HopClient();
    connect.mockResolvedValue(client);
    gateway = new FastRetryGateway(loadConfig({}));
    gateway.onApplicationBootstrap();
    await eventually(() => gateway.isConnected());
  });

  afterEach(async () => {
    await gateway.onApplicationShutdown();
    connect.mockReset();
  });

  it('puts the hop count on the INVITE and drops a caller header posing as it', async () => {
    await gateway.originate({
      channelId: 'cw-1',
      target: { kind: 'sip', uri: 'sip:bob@127.0.0.1:5070' },
      callerId: '+15550001111',
      timeoutSeconds: 30,
      headers: { 'X-Customer': '42', 'x-callwright-hops': '0' },
      hops: 3,
    });
    const [request] = client.channels.originate.mock.calls[0] as unknown as [
      { variables: Record<string, string> },
    ];
    expect(request.variables).toEqual({
      'PJSIP_HEADER(add,X-Customer)': '42',
      'PJSIP_HEADER(add,X-Callwright-Hops)': '3',
      'PJSIP_TRANSFER_HANDLING()': 'ari-only',
      FORWARD_CONTEXT: 'callwright-no-forward',
    });
  });

  it('follows a 3xx only when asked: through the endpoint that follows redirects, at the SIP user’s contact', async () => {
    const leg = (channelId: string, target: DialTarget, followRedirects?: boolean) =>
      gateway.originate({ channelId, target, callerId: '100', timeoutSeconds: 30, hops: 0, followRedirects });
    await leg('cw-1', { kind: 'sip', uri: 'sip:bob@127.0.0.1:5070' }, true);
    await leg('cw-2', { kind: 'sip-user', dialString: 'PJSIP/1001/sip:1001@127.0.0.1:5082' }, true);
    await leg('cw-3', { kind: 'sip-user', dialString: 'PJSIP/1001/sip:1001@127.0.0.1:5082' });
    await leg('cw-4', { kind: 'number', number: '+15551234' }, true);
    const endpoints = client.channels.originate.mock.calls.map(
      (call) => (call as unknown as [{ endpoint: string }])[0].endpoint,
    );
    expect(endpoints).toEqual([
      'PJSIP/outbound-follow-redirects/sip:bob@127.0.0.1:5070',
      'PJSIP/outbound-follow-redirects/sip:1001@127.0.0.1:5082',
      'PJSIP/1001/sip:1001@127.0.0.1:5082',
      'PJSIP/+15551234@carrier',
    ]);
  });

  it.each([
    [['inbound', '4'], 4],
    [['inbound', ''], 0],
    [[], 0],
  ])('reads the hop count of an inbound call from the Stasis arguments %p', (args, hops) => {
    const seen: number[] = [];
    gateway.onIncomingChannel((channel) => seen.push(channel.hops));
    client.emit('*', {
      type: 'StasisStart',
      args,
      channel: { id: 'in-1', dialplan: { exten: '+15550002222' }, caller: { number: '+1555' } },
    });
    expect(seen).toEqual([hops]);
  });

  it('sends DTMF through POST /channels/{id}/dtmf with the timing asked for', async () => {
    await gateway.sendDtmf('cw-1', '12#A', { durationMs: 100, betweenMs: 80, afterMs: 20 });
    expect(client.channels.sendDTMF).toHaveBeenCalledWith({
      channelId: 'cw-1',
      dtmf: '12#A',
      duration: 100,
      between: 80,
      before: 0,
      after: 20,
    });
  });

  it.each(['12w3', 'f', '1,2', ''])(
    'never hands Asterisk %p, which it would read as pauses or flash',
    async (digits) => {
      await expect(gateway.sendDtmf('cw-1', digits, { durationMs: 100, betweenMs: 100 })).rejects.toThrow(
        TelephonyError,
      );
      expect(client.channels.sendDTMF).not.toHaveBeenCalled();
    },
  );

  it.each([['snoop'], ['outbound']])(
    'never takes a channel the platform made itself (Stasis argument %p) for a call that came in',
    (arg) => {
      const incoming: string[] = [];
      gateway.onIncomingChannel((channel) => incoming.push(channel.channelId));
      client.emit('*', { type: 'StasisStart', args: [arg], channel: { id: 'own-1', name: 'Snoop/x-0001' } });
      expect(incoming).toEqual([]);
    },
  );

  it('hands the REFERs of a phone calling in to the platform (ari-only transfer handling)', () => {
    gateway.onIncomingChannel(() => undefined);
    client.emit('*', {
      type: 'StasisStart',
      args: ['inbound', ''],
      channel: { id: 'in-2', name: 'PJSIP/inbound-00000002', dialplan: { exten: 'phone' } },
    });
    expect(client.channels.setChannelVar).toHaveBeenCalledWith({
      channelId: 'in-2',
      variable: 'PJSIP_TRANSFER_HANDLING()',
      value: 'ari-only',
    });
  });

  it('creates an early-media leg as it originates one, linked to its originator, not dialled yet', async () => {
    await gateway.createChannel({
      channelId: 'cw-b',
      target: { kind: 'sip', uri: 'sip:bob@127.0.0.1:5090' },
      callerId: '+15550001111',
      timeoutSeconds: 30,
      hops: 1,
      originatorChannelId: 'cw-a',
    });
    expect(client.channels.create).toHaveBeenCalledWith({
      channelId: 'cw-b',
      endpoint: 'PJSIP/outbound/sip:bob@127.0.0.1:5090',
      app: 'callwright',
      appArgs: 'outbound',
      originator: 'cw-a',
      variables: {
        'PJSIP_HEADER(add,X-Callwright-Hops)': '1',
        'PJSIP_TRANSFER_HANDLING()': 'ari-only',
        FORWARD_CONTEXT: 'callwright-no-forward',
        'CALLERID(all)': '+15550001111',
      },
    });
    expect(client.channels.originate).not.toHaveBeenCalled();
  });
});
