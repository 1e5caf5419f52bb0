import { Logger } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { buildCallEntity } from '../../../../test/factories/call-entity.factory';
import { CallEventBus } from '../call-control/events/call-event-bus';
import { CallLeg } from '../call-control/legs/call-leg';
import { CallRecords } from '../call-control/legs/call-records';
import type { CallEntity } from '../call-control/legs/call.entity';
import { CallStatus } from '../call-control/legs/call-status';
import type { MediaSource } from '../call-control/ports/media-sources.port';
import type { NotificationSink } from '../call-control/ports/notification-sink.port';
import { ProgressCallbacks } from '../calls/progress-callbacks';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import { MediaFetchError } from '../media/play-media.service';
import {
  ChannelEvent,
  DtmfTiming,
  OriginateRequest,
  TelephonyError,
} from '../telephony/telephony-gateway.port';
import { FakeTelephonyGateway } from '../telephony/testing/fake-telephony-gateway';
import { WebhookError, type WebhookClient } from '../webhooks/webhook-client.service';
import type { RcmlApplicationService } from './rcml-application.service';
import { RcmlProgram } from './rcml-program';
import type { VerbContext } from './verbs/verb';

/** The shared fake with one channel, `chan-1`, whose hangups the test confirms itself. */
class FakeGateway extends FakeTelephonyGateway {
  readonly hungUp: string[] = [];
  readonly dtmf: Array<{ channelId: string; digits: string; timing: DtmfTiming }> = [];
  failOriginate = false;
  failDtmf = false;
  newChannelId() {
    return 'chan-1';
  }
  async originate(request: OriginateRequest) {
    if (this.failOriginate) throw new TelephonyError('Asterisk is not connected');
    await super.originate(request);
  }
  async hangup(channelId: string) {
    this.hungUp.push(channelId);
  }
  async sendDtmf(channelId: string, digits: string, timing: DtmfTiming) {
    if (this.failDtmf) throw new TelephonyError('Send DTMF failed: Channel not found');
    this.dtmf.push({ channelId, digits, timing });
  }
  emitToCall(event: ChannelEvent) {
    this.emit('chan-1', event);
  }
}

function setup(
  overrides: Partial<CallEntity> = {},
  media: MediaSource = { prepare: async () => ({ url: 'http://platform/media/play/x.wav' }) },
) {
  const gateway = new FakeGateway();
  const stored: Partial<CallEntity>[] = [];
  const repository = { update: async (_where: unknown, patch: Partial<CallEntity>) => stored.push(patch) };
  const records = new CallRecords(repository as unknown as Repository<CallEntity>);
  const rcml = { run: jest.fn(async () => undefined) };
  const notifications = { record: jest.fn(async () => undefined) };
  const webhooks = { send: jest.fn(async () => ({ status: 200, body: '', contentType: '', url: '' })) };
  const call = buildCallEntity(overrides);
  const sink = notifications as unknown as NotificationSink;
  const events = new CallEventBus();
  const leg = new CallLeg(call, { gateway, records, notifications: sink, events }, { hops: 1 });
  new ProgressCallbacks(events, webhooks as unknown as WebhookClient, sink).attach(leg, 'token');
  const program = new RcmlProgram(leg, 'token', {
    gateway,
    rcml: rcml as unknown as RcmlApplicationService,
    connector: { dial: jest.fn(), joinConference: jest.fn() },
    queues: { enqueue: jest.fn(), dialQueue: jest.fn() },
    speech: { prepareSpeech: async () => ({ url: 'http://platform/media/tts/x.wav' }) },
    media,
    recordings: { store: async () => ({ sid: 'RE1' }), mediaUrl: () => 'http://platform/RE1' },
    streams: { start: jest.fn() },
  });
  return { gateway, stored, rcml, notifications, webhooks, call, leg, program, events };
}

const statuses = (stored: Partial<CallEntity>[]) =>
  stored.filter((patch) => patch.status).map((patch) => patch.status);

describe('RcmlProgram on a CallLeg, with its progress callbacks', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('originates, follows ringing and answer, runs the RCML, and completes with a status callback', async () => {
    const { gateway, stored, rcml, webhooks, call, leg, events } = setup({
      statusCallback: 'http://app/status',
    });
    await leg.start();
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
    gateway.emitToCall({ kind: 'ringing' });
    gateway.emitToCall({ kind: 'answered', sipCallId: 'abc@127.0.0.1' });
    gateway.emitToCall({ kind: 'entered-app' });
    gateway.emitToCall({ kind: 'hangup', cause: 16, causeText: 'Normal Clearing' });
    await leg.finished;
    await events.settled();

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
    const { gateway, webhooks, leg } = setup({
      statusCallback: 'http://app/status',
      statusCallbackEvent,
    });
    await leg.start();
    gateway.emitToCall({ kind: 'ringing' });
    gateway.emitToCall({ kind: 'answered' });
    gateway.emitToCall({ kind: 'hangup', cause: 16, causeText: 'Normal Clearing' });
    await leg.finished;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(progressOf(webhooks)).toEqual(expected);
  });

  it('is finished while a slow callback server still holds the completed callback', async () => {
    const { gateway, webhooks, leg, call, events } = setup({ statusCallback: 'http://app/status' });
    let release!: () => void;
    webhooks.send.mockImplementation(
      () =>
        new Promise(
          (resolve) => (release = () => resolve({ status: 200, body: '', contentType: '', url: '' })),
        ),
    );
    await leg.start();
    gateway.emitToCall({ kind: 'hangup', cause: 17, causeText: 'User busy', sipCode: 486 });
    await leg.finished;
    await events.settled();
    expect(call.status).toBe(CallStatus.Busy);
    expect(webhooks.send).toHaveBeenCalledTimes(1);
    release();
  });

  it('records notification 15003 when the callback server fails, and the next event is still sent', async () => {
    const { gateway, webhooks, notifications, leg } = setup({
      statusCallback: 'http://app/status',
      statusCallbackEvent: 'initiated completed',
    });
    webhooks.send.mockRejectedValueOnce(new WebhookError('http://app/status answered 500'));
    await leg.start();
    gateway.emitToCall({ kind: 'hangup', cause: 17, causeText: 'User busy', sipCode: 486 });
    await leg.finished;
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
    await fixture.leg.start();
    fixture.gateway.emitToCall({ kind: 'answered' });
    fixture.gateway.emitToCall({ kind: 'entered-app' });
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
    const { gateway, leg, call } = setup({ timeout: 1 });
    await leg.start();
    gateway.emitToCall({ kind: 'ringing' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(gateway.hungUp).toEqual(['chan-1']);
    gateway.emitToCall({ kind: 'hangup', cause: 16, causeText: 'Normal Clearing', sipCode: 487 });
    await leg.finished;
    expect(call.status).toBe(CallStatus.NoAnswer);
  });

  it('ends busy on a 486 without running any RCML, and ignores events after the final status', async () => {
    const { gateway, rcml, stored, leg, call } = setup();
    await leg.start();
    gateway.emitToCall({ kind: 'hangup', cause: 17, causeText: 'User busy', sipCode: 486 });
    await leg.finished;
    gateway.emitToCall({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(call).toMatchObject({ status: CallStatus.Busy, sipResponseCode: 486, duration: 0 });
    expect(statuses(stored)).toEqual([CallStatus.Busy]);
    expect(rcml.run).not.toHaveBeenCalled();
  });

  it('fails the call with a notification when Asterisk cannot originate', async () => {
    const { gateway, notifications, leg, call } = setup();
    gateway.failOriginate = true;
    await leg.start();
    await leg.finished;
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
    const { gateway, notifications, leg, call } = setup();
    await leg.start();
    gateway.emitToCall({ kind: 'answered' });
    gateway.emitToCall({ kind: 'hangup', cause: 0, causeText: 'Channel vanished', vanished: true });
    await leg.finished;
    expect(call.status).toBe(CallStatus.Completed);
    expect(notifications.record).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'Channel vanished' }),
    );
  });

  it('ends a vanished call at the moment ARI was lost, with the duration up to then, and sends completed once', async () => {
    const { gateway, stored, webhooks, leg, call, events } = setup({ statusCallback: 'http://app/status' });
    await leg.start();
    gateway.emitToCall({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    const answeredAt = call.answerTime!.getTime();
    const lostAt = new Date(answeredAt + 7_400);
    gateway.emitToCall({
      kind: 'hangup',
      cause: 0,
      causeText: 'Channel vanished',
      vanished: true,
      endedAt: lostAt,
    });
    await leg.finished;
    await events.settled();
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
    const { gateway, leg, call } = setup();
    await leg.start();
    gateway.emitToCall({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    const answeredAt = call.answerTime!;
    gateway.emitToCall({
      kind: 'hangup',
      cause: 0,
      causeText: 'Channel vanished',
      vanished: true,
      endedAt: new Date(answeredAt.getTime() - 60_000),
    });
    await leg.finished;
    expect(call).toMatchObject({ endTime: answeredAt, duration: 0 });
  });

  it.each([
    ['Status=completed', { status: 'completed' as const }],
    ['Url', { url: 'http://app/next.xml' }],
    ['Url with StatusCallback', { url: 'http://app/next.xml', statusCallback: 'http://app/new-status' }],
  ])('refuses %s with 20500 while Asterisk is disconnected, changing nothing', async (_name, change) => {
    const { gateway, stored, leg, program, call } = setup({ statusCallback: 'http://app/status' });
    await leg.start();
    gateway.emitToCall({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    const before = stored.length;
    gateway.connected = false;
    await expect(program.modification.apply(change)).rejects.toMatchObject({ code: 20500 });
    expect(gateway.hungUp).toEqual([]);
    expect(stored.length).toBe(before);
    expect(call).toMatchObject({ status: CallStatus.InProgress, statusCallback: 'http://app/status' });
  });

  it('still takes a StatusCallback change while Asterisk is disconnected: it needs no Asterisk', async () => {
    const { gateway, leg, program, call } = setup();
    await leg.start();
    gateway.emitToCall({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    gateway.connected = false;
    await program.modification.apply({ statusCallback: 'http://app/new-status' });
    expect(call.statusCallback).toBe('http://app/new-status');
  });

  it('answers 20500 when the connection drops under a Status=completed and the call stays up', async () => {
    const { gateway, leg, program } = setup();
    await leg.start();
    gateway.emitToCall({ kind: 'answered' });
    await new Promise((resolve) => setImmediate(resolve));
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      gateway.hangup = async (channelId: string) => {
        gateway.hungUp.push(channelId);
        gateway.connected = false;
      };
      const result = program.modification.apply({ status: 'completed' });
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
    const { program, call } = setup({}, { prepare });
    expect(await program.remoteMedia('http://app.example/a.mp3')).toBe(
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
    const { program, notifications, call } = setup(
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
    expect(await program.remoteMedia(url)).toBeNull();
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
