import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import * as ari from 'ari-client';
import { loadConfig } from '../../config/app-config';
import type { ChannelEvent } from '../telephony-gateway.port';
import { AriTelephonyGateway, reconnectDelayMs } from './ari-telephony-gateway';

jest.mock('ari-client', () => ({ connect: jest.fn() }));

/** Stands in for ari-client's Client: an event emitter with the few methods the adapter calls. */
class FakeAriClient extends EventEmitter {
  started = false;
  liveChannels: string[] = [];
  readonly channels = { list: jest.fn(async () => this.liveChannels.map((id) => ({ id }))) };
  async start(): Promise<void> {
    this.started = true;
  }
  stop(): void {}
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
