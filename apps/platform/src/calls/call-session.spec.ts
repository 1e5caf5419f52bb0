import { Logger } from '@nestjs/common';
import { buildCallEntity } from '../../../../test/factories/call-entity.factory';
import type { NotificationsService } from '../notifications/notifications.service';
import type { RcmlApplicationService } from '../rcml/rcml-application.service';
import type { VerbContext } from '../rcml/verbs/verb';
import {
  ChannelEvent,
  ChannelListener,
  ChannelWatch,
  DtmfTiming,
  OriginateRequest,
  TelephonyError,
  TelephonyGateway,
} from '../telephony/telephony-gateway.port';
import { WebhookError, type WebhookClient } from '../webhooks/webhook-client.service';
import type { CallEntity } from '../call-control/legs/call.entity';
import { MediaFetchError } from '../media/play-media.service';
import { NotificationCode } from '../notifications/notification-codes';
import { NotificationLevel } from '../notifications/notification.entity';
import { CallSession, CallStore, MediaSource } from './call-session';
import { CallStatus } from '../call-control/legs/call-status';

/** In-memory stand-in for the gateway port: tests play Asterisk's part by emitting channel events. */
class FakeGateway extends TelephonyGateway {
  readonly originated: OriginateRequest[] = [];
  readonly hungUp: string[] = [];
  failOriginate = false;
  connected = true;
  private listeners = new Map<string, ChannelListener>();

  isConnected() {
    return this.connected;
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
  readonly dtmf: Array<{ channelId: string; digits: string; timing: DtmfTiming }> = [];
  failDtmf = false;
  async sendDtmf(channelId: string, digits: string, timing: DtmfTiming) {
    if (this.failDtmf) throw new TelephonyError('Send DTMF failed: Channel not found');
    this.dtmf.push({ channelId, digits, timing });
  }
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
  async mute() {}
  async unmute() {}
  async hold() {}
  async unhold() {}
  async redirect() {}
  async reportTransferProgress() {}
  async snoop() {}
  async createChannel() {}
  async dial() {}
  async pauseRecording() {}
  async resumeRecording() {}
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

  const progressOf = (webhooks: ReturnType<typeof setup>['webhooks']) =>
    (webhooks.send.mock.calls as unknown as [{ params: Record<string, string> }][]).map(([request]) => [
      request.params.SequenceNumber,
      request.params.CallStatus,
    ]);

  it.each([
    [
      'the StatusCallbackEvent list stored on the record, in firing order',
      'initiated ringing answered completed',
      [
        ['0', 'initiated'],
        ['1', 'ringing'],
        ['2', 'in-progress'],
        ['3', 'completed'],
      ],
    ],
    ['only completed when the record names no events', null, [['0', 'completed']]],
  ])('sends %s', async (_what, statusCallbackEvent, expected) => {
    const { gateway, webhooks, session } = setup({
      statusCallback: 'http://app/status',
      statusCallbackEvent,
    });
    await session.start();
    gateway.emit({ kind: 'ringing' });
    gateway.emit({ kind: 'answered' });
    gateway.emit({ kind: 'hangup', cause: 16, causeText: 'Normal Clearing' });
    await session.finished;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(progressOf(webhooks)).toEqual(expected);
  });

  it('is finished while a slow callback server still holds the completed callback', async () => {
    const { gateway, webhooks, session, call } = setup({ statusCallback: 'http://app/status' });
    let release!: () => void;
    webhooks.send.mockImplementation(
      () =>
        new Promise(
          (resolve) => (release = () => resolve({ status: 200, body: '', contentType: '', url: '' })),
        ),
    );
    await session.start();
    gateway.emit({ kind: 'hangup', cause: 17, causeText: 'User busy', sipCode: 486 });
    await session.finished;
    expect(call.status).toBe(CallStatus.Busy);
    expect(webhooks.send).toHaveBeenCalledTimes(1);
    release();
  });

  it('records notification 15003 when the callback server fails, and the next event is still sent', async () => {
    const { gateway, webhooks, notifications, session } = setup({
      statusCallback: 'http://app/status',
      statusCallbackEvent: 'initiated completed',
    });
    webhooks.send.mockRejectedValueOnce(new WebhookError('http://app/status answered 500'));
    await session.start();
    gateway.emit({ kind: 'hangup', cause: 17, causeText: 'User busy', sipCode: 486 });
    await session.finished;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(notifications.record).toHaveBeenCalledWith(
      expect.objectContaining({
        code: NotificationCode.StatusCallbackFailure,
        requestUrl: 'http://app/status',
      }),
    );
    expect(progressOf(webhooks)).toEqual([
      ['0', 'initiated'],
      ['1', 'busy'],
    ]);
  });

  async function runningContext(overrides: Partial<CallEntity> = {}) {
    const fixture = setup(overrides);
    await fixture.session.start();
    fixture.gateway.emit({ kind: 'answered' });
    fixture.gateway.emit({ kind: 'entered-app' });
    await new Promise((resolve) => setImmediate(resolve));
    const [, context] = fixture.rcml.run.mock.calls[0] as unknown as [unknown, VerbContext];
    return { ...fixture, context };
  }

  it('sends Play digits as DTMF on the channel and waits while Asterisk plays them out', async () => {
    const { gateway, context } = await runningContext();
    const started = Date.now();
    await context.sendDtmf('12#');
    // Three 100 ms tones with 100 ms between them.
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    expect(gateway.dtmf).toEqual([
      { channelId: 'chan-1', digits: '12#', timing: { durationMs: 100, betweenMs: 100 } },
    ]);
  });

  it('records a warning when DTMF cannot be sent, and the document goes on', async () => {
    const { gateway, notifications, context, call } = await runningContext();
    gateway.failDtmf = true;
    await expect(context.sendDtmf('5')).resolves.toBeUndefined();
    expect(notifications.record).toHaveBeenCalledWith(
      expect.objectContaining({
        callSid: call.sid,
        code: NotificationCode.PlaybackFailure,
        level: NotificationLevel.Warning,
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

  it('ends a vanished call at the moment ARI was lost, with the duration up to then, and sends completed once', async () => {
    const { gateway, stored, webhooks, session, call } = setup({ statusCallback: 'http://app/status' });
    await session.start();
    gateway.emit({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    const answeredAt = call.answerTime!.getTime();
    const lostAt = new Date(answeredAt + 7_400);
    gateway.emit({
      kind: 'hangup',
      cause: 0,
      causeText: 'Channel vanished',
      vanished: true,
      endedAt: lostAt,
    });
    await session.finished;
    expect(call).toMatchObject({ status: CallStatus.Completed, endTime: lostAt, duration: 7 });
    expect(stored.find((patch) => patch.status === CallStatus.Completed)).toMatchObject({
      endTime: lostAt,
      duration: 7,
    });
    const sent = webhooks.send.mock.calls as unknown as Array<[{ params: Record<string, string> }]>;
    const completed = sent.filter(([request]) => request.params.CallStatus === 'completed');
    expect(completed).toHaveLength(1);
    expect(completed[0][0].params.CallDuration).toBe('7');
  });

  it('never ends a call before it was answered, whatever time the vanished event brings', async () => {
    const { gateway, session, call } = setup();
    await session.start();
    gateway.emit({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    const answeredAt = call.answerTime!;
    gateway.emit({
      kind: 'hangup',
      cause: 0,
      causeText: 'Channel vanished',
      vanished: true,
      endedAt: new Date(answeredAt.getTime() - 60_000),
    });
    await session.finished;
    expect(call).toMatchObject({ endTime: answeredAt, duration: 0 });
  });

  it.each([
    ['Status=completed', { status: 'completed' as const }],
    ['Url', { url: 'http://app/next.xml' }],
    ['Url with StatusCallback', { url: 'http://app/next.xml', statusCallback: 'http://app/new-status' }],
  ])('refuses %s with 20500 while Asterisk is disconnected, changing nothing', async (_name, change) => {
    const { gateway, stored, session, call } = setup({ statusCallback: 'http://app/status' });
    await session.start();
    gateway.emit({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    const before = stored.length;
    gateway.connected = false;
    await expect(session.modify(change)).rejects.toMatchObject({ code: 20500 });
    expect(gateway.hungUp).toEqual([]);
    expect(stored.length).toBe(before);
    expect(call).toMatchObject({ status: CallStatus.InProgress, statusCallback: 'http://app/status' });
  });

  it('still takes a StatusCallback change while Asterisk is disconnected: it needs no Asterisk', async () => {
    const { gateway, session, call } = setup();
    await session.start();
    gateway.emit({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    gateway.connected = false;
    await session.modify({ statusCallback: 'http://app/new-status' });
    expect(call.statusCallback).toBe('http://app/new-status');
  });

  it('answers 20500 when the connection drops under a Status=completed and the call stays up', async () => {
    const { gateway, session } = setup();
    await session.start();
    gateway.emit({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      gateway.hangup = async (channelId: string) => {
        gateway.hungUp.push(channelId);
        gateway.connected = false;
      };
      const result = session.modify({ status: 'completed' });
      const settled = expect(result).rejects.toMatchObject({ code: 20500 });
      await jest.advanceTimersByTimeAsync(5000);
      await settled;
      expect(gateway.hungUp).toEqual(['chan-1']);
    } finally {
      jest.useRealTimers();
    }
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
