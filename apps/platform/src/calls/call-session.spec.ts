import { Logger } from '@nestjs/common';
import { buildCallEntity } from '../../../../test/factories/call-entity.factory';
import type { NotificationsService } from '../notifications/notifications.service';
import type { RcmlApplicationService } from '../rcml/rcml-application.service';
import {
  ChannelEvent,
  ChannelListener,
  ChannelWatch,
  OriginateRequest,
  TelephonyError,
  TelephonyGateway,
} from '../telephony/telephony-gateway.port';
import type { WebhookClient } from '../webhooks/webhook-client.service';
import type { CallEntity } from './call.entity';
import { MediaFetchError } from '../media/play-media.service';
import { NotificationCode } from '../notifications/notification-codes';
import { CallSession, CallStore, MediaSource } from './call-session';
import { CallStatus } from './call-status';

/** In-memory stand-in for the gateway port: tests play Asterisk's part by emitting channel events. */
class FakeGateway extends TelephonyGateway {
  readonly originated: OriginateRequest[] = [];
  readonly hungUp: string[] = [];
  failOriginate = false;
  private listeners = new Map<string, ChannelListener>();

  isConnected() {
    return true;
  }
  newChannelId() {
    return 'chan-1';
  }
  watchChannel(channelId: string, listener: ChannelListener): ChannelWatch {
    this.listeners.set(channelId, listener);
    return { stop: () => this.listeners.delete(channelId) };
  }
  async originate(request: OriginateRequest) {
    if (this.failOriginate) throw new TelephonyError('Asterisk is not connected');
    this.originated.push(request);
  }
  async hangup(channelId: string) {
    this.hungUp.push(channelId);
  }
  onIncomingChannel() {}
  onConnected() {}
  async answer() {}
  async reject() {}
  async play() {}
  async stopPlayback() {}
  async record() {}
  async stopRecording() {}
  async takeRecording() {
    return Buffer.alloc(0);
  }
  watchBridge() {
    return { stop: () => undefined };
  }
  async indicateRinging() {}
  async answerHeaders() {
    return {};
  }
  async setMuted() {}
  async startMusicOnHold() {}
  async stopMusicOnHold() {}
  async createBridge() {}
  async addToBridge() {}
  async removeFromBridge() {}
  async destroyBridge() {}
  async playToBridge() {}
  async recordBridge() {}
  async labelChannel() {}
  async inventory() {
    return { channelIds: new Set<string>(), bridges: [] };
  }
  async resumeChannel() {}
  async hangupTime() {
    return null;
  }
  release() {}
  emit(event: ChannelEvent) {
    this.listeners.get('chan-1')?.(event);
  }
}

function setup(
  overrides: Partial<CallEntity> = {},
  media: MediaSource = { prepare: async () => ({ url: 'http://platform/media/play/x.wav' }) },
) {
  const gateway = new FakeGateway();
  const stored: Partial<CallEntity>[] = [];
  const store: CallStore = { update: async (_sid, patch) => void stored.push(patch) };
  const rcml = { run: jest.fn(async () => undefined) };
  const notifications = { record: jest.fn(async () => undefined) };
  const webhooks = { send: jest.fn(async () => ({ status: 200, body: '', contentType: '', url: '' })) };
  const call = buildCallEntity(overrides);
  const session = new CallSession(call, 'token', {
    gateway,
    store,
    rcml: rcml as unknown as RcmlApplicationService,
    notifications: notifications as unknown as NotificationsService,
    webhooks: webhooks as unknown as WebhookClient,
    connector: { dial: jest.fn(), joinConference: jest.fn() },
    speech: { prepareSpeech: async () => ({ url: 'http://platform/media/tts/x.wav' }) },
    media,
    recordings: { store: async () => ({ sid: 'RE1' }), mediaUrl: () => 'http://platform/RE1' },
  });
  return { gateway, stored, rcml, notifications, webhooks, call, session };
}

const statuses = (stored: Partial<CallEntity>[]) =>
  stored.filter((patch) => patch.status).map((patch) => patch.status);

describe('CallSession', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('originates, follows ringing and answer, runs the RCML, and completes with a status callback', async () => {
    const { gateway, stored, rcml, webhooks, call, session } = setup({ statusCallback: 'http://app/status' });
    await session.start();
    expect(gateway.originated).toEqual([
      {
        channelId: 'chan-1',
        target: { kind: 'sip', uri: call.to },
        callerId: call.from,
        timeoutSeconds: 65,
        headers: undefined,
        hops: 1,
        labels: { callSid: call.sid, parentCallSid: undefined },
      },
    ]);
    gateway.emit({ kind: 'ringing' });
    gateway.emit({ kind: 'answered', sipCallId: 'abc@127.0.0.1' });
    gateway.emit({ kind: 'entered-app' });
    gateway.emit({ kind: 'hangup', cause: 16, causeText: 'Normal Clearing' });
    await session.finished;

    expect(statuses(stored)).toEqual([CallStatus.Ringing, CallStatus.InProgress, CallStatus.Completed]);
    expect(call).toMatchObject({
      status: CallStatus.Completed,
      sipCallId: 'abc@127.0.0.1',
      sipResponseCode: 200,
    });
    expect(rcml.run).toHaveBeenCalledTimes(1);
    const [application] = rcml.run.mock.calls[0] as unknown as [{ requestParams(): Record<string, string> }];
    expect(application.requestParams()).toMatchObject({ CallSid: call.sid, CallStatus: 'completed' });
    expect(webhooks.send).toHaveBeenCalledWith(
      expect.objectContaining({
        url: 'http://app/status',
        method: 'POST',
        signingKey: 'token',
        params: expect.objectContaining({ CallStatus: 'completed', CallDuration: '0', CallSid: call.sid }),
      }),
    );
  });

  it('gives up after Timeout seconds with no-answer and hangs the channel up', async () => {
    const { gateway, session, call } = setup({ timeout: 1 });
    await session.start();
    gateway.emit({ kind: 'ringing' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(gateway.hungUp).toEqual(['chan-1']);
    gateway.emit({ kind: 'hangup', cause: 16, causeText: 'Normal Clearing', sipCode: 487 });
    await session.finished;
    expect(call.status).toBe(CallStatus.NoAnswer);
  });

  it('ends busy on a 486 without running any RCML, and ignores events after the final status', async () => {
    const { gateway, rcml, stored, session, call } = setup();
    await session.start();
    gateway.emit({ kind: 'hangup', cause: 17, causeText: 'User busy', sipCode: 486 });
    await session.finished;
    gateway.emit({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(call).toMatchObject({ status: CallStatus.Busy, sipResponseCode: 486, duration: 0 });
    expect(statuses(stored)).toEqual([CallStatus.Busy]);
    expect(rcml.run).not.toHaveBeenCalled();
  });

  it('fails the call with a notification when Asterisk cannot originate', async () => {
    const { gateway, notifications, session, call } = setup();
    gateway.failOriginate = true;
    await session.start();
    await session.finished;
    expect(call.status).toBe(CallStatus.Failed);
    expect(notifications.record).toHaveBeenCalledWith(
      expect.objectContaining({
        callSid: call.sid,
        code: 20500,
        message: expect.stringContaining('not connected'),
      }),
    );
  });

  it('records a notification when the channel vanished while ARI was disconnected', async () => {
    const { gateway, notifications, session, call } = setup();
    await session.start();
    gateway.emit({ kind: 'answered' });
    gateway.emit({ kind: 'hangup', cause: 0, causeText: 'Channel vanished', vanished: true });
    await session.finished;
    expect(call.status).toBe(CallStatus.Completed);
    expect(notifications.record).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'Channel vanished' }),
    );
  });

  it('hands Asterisk the platform URL of fetched media, asking for it with the account and its token', async () => {
    const prepare = jest.fn(async () => ({ url: 'http://platform/media/play/abc.wav' }));
    const { session, call } = setup({}, { prepare });
    expect(await session.remoteMedia('http://app.example/a.mp3')).toBe(
      'sound:http://platform/media/play/abc.wav',
    );
    expect(prepare).toHaveBeenCalledWith({
      accountSid: call.accountSid,
      signingKey: 'token',
      url: 'http://app.example/a.mp3',
    });
  });

  it('records why media cannot be played and answers null, so the document goes on', async () => {
    const url = 'http://app.example/page.html';
    const { session, notifications, call } = setup(
      {},
      {
        prepare: async () => {
          throw new MediaFetchError(
            NotificationCode.InvalidContentType,
            'Content-Type text/html is not audio',
            url,
            '<html>',
          );
        },
      },
    );
    expect(await session.remoteMedia(url)).toBeNull();
    expect(notifications.record).toHaveBeenCalledWith(
      expect.objectContaining({
        accountSid: call.accountSid,
        callSid: call.sid,
        code: NotificationCode.InvalidContentType,
        message: 'Content-Type text/html is not audio',
        requestUrl: url,
        requestMethod: 'GET',
        responseBody: '<html>',
      }),
    );
  });
});
