import { Logger } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { buildCallEntity } from '../../../../../test/factories/call-entity.factory';
import { FakeTelephonyGateway } from '../../telephony/testing/fake-telephony-gateway';
import type { NotificationSink } from '../ports/notification-sink.port';
import type { CallEntity } from './call.entity';
import type { CallEvent, LegStatusPayload } from '../events/call-event';
import { CallEventBus } from '../events/call-event-bus';
import { CallLeg } from './call-leg';
import { CallRecords } from './call-records';
import { CallDirection, CallStatus } from './call-status';

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(overrides: Partial<CallEntity> = {}) {
  const gateway = new FakeTelephonyGateway();
  const writes: Array<Partial<CallEntity>> = [];
  const repository = { update: async (_where: unknown, patch: Partial<CallEntity>) => writes.push(patch) };
  const records = new CallRecords(repository as unknown as Repository<CallEntity>);
  const notifications = { record: jest.fn(async () => undefined) };
  const call = buildCallEntity(overrides);
  const events = new CallEventBus();
  const leg = new CallLeg(
    call,
    { gateway, records, notifications: notifications as unknown as NotificationSink, events },
    { hops: 1 },
  );
  const heard: string[] = [];
  const published: CallEvent[] = [];
  events.subscribe((event) => void published.push(event));
  leg.observe({
    answered: () => heard.push('answered-observer'),
    ended: () => heard.push('ended-observer'),
    channelEvent: (_leg, event) => heard.push(`event:${event.kind}`),
  });
  const program = { underControl: jest.fn() };
  leg.attachProgram(program);
  return { gateway, writes, notifications, call, leg, heard, program, events, published };
}

describe('CallLeg', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('hangs up a leg asked to end while its INVITE was still being sent, once the channel exists', async () => {
    const { gateway, leg } = setup();
    let sent!: () => void;
    const originate = gateway.originate.bind(gateway);
    gateway.originate = async (request) => {
      await new Promise<void>((resolve) => (sent = resolve));
      await originate(request);
    };
    const starting = leg.start();
    await flush();
    // Asterisk does not know the channel yet: nothing to hang up now.
    await leg.hangup().catch(() => undefined);
    expect(gateway.commands.filter((command) => command.op === 'hangup')).toEqual([]);
    sent();
    await starting;
    await flush();
    expect(gateway.commandsFor(gateway.originated[0].channelId)).toContain('hangup');
  });

  it('publishes each moment after the status is stored, numbered per call, and starts its program once in the app', async () => {
    const { gateway, writes, leg, heard, program, events, published } = setup();
    await leg.start();
    const [{ channelId }] = gateway.originated;
    gateway.answerLeg(channelId);
    await flush();
    expect(program.underControl).toHaveBeenCalledTimes(1);
    gateway.farEndHangsUp(channelId);
    await leg.finished;
    await events.settled();
    expect(heard).toEqual(['answered-observer', 'ended-observer']);
    expect(
      published.map((event) => {
        const payload = event.payload as LegStatusPayload;
        return [event.sequence, payload.moment, payload.status, payload.record?.status];
      }),
    ).toEqual([
      [1, 'initiated', 'queued', 'queued'],
      [2, 'ringing', 'ringing', 'ringing'],
      [3, 'answered', 'in-progress', 'in-progress'],
      [4, 'completed', 'completed', 'completed'],
    ]);
    expect(events.openCalls).toBe(0);
    // Only the state machine writes statuses, and each write carries the change it made.
    expect(writes.filter((write) => write.status).map((write) => write.status)).toEqual([
      CallStatus.Ringing,
      CallStatus.InProgress,
      CallStatus.Completed,
    ]);
  });

  it('stores the SIP Call-ID with the state change that brings it, not as a write of its own', async () => {
    const { gateway, writes, leg } = setup();
    await leg.start();
    const [{ channelId }] = gateway.originated;
    writes.length = 0;
    gateway.emit(channelId, { kind: 'ringing', sipCallId: 'abc@host' });
    gateway.emit(channelId, { kind: 'answered', sipCallId: 'abc@host' });
    gateway.emit(channelId, { kind: 'entered-app', sipCallId: 'abc@host' });
    gateway.farEndHangsUp(channelId);
    await leg.finished;
    expect(writes.map((write) => [write.status, write.sipCallId])).toEqual([
      [CallStatus.Ringing, 'abc@host'],
      [CallStatus.InProgress, undefined],
      [CallStatus.Completed, undefined],
    ]);
  });

  it('passes bridge, hold and transfer events to its observers without acting on them', async () => {
    const { gateway, leg, heard, call } = setup();
    await leg.start();
    const { channelId } = gateway.originated[0];
    gateway.answerLeg(channelId);
    gateway.emit(channelId, { kind: 'entered-bridge', bridgeId: 'b1' });
    gateway.emit(channelId, { kind: 'phone-held' });
    gateway.emit(channelId, { kind: 'transfer-requested', transfer: { mode: 'blind', target: '200' } });
    await flush();
    expect(heard.filter((entry) => entry.startsWith('event:'))).toEqual([
      'event:entered-bridge',
      'event:phone-held',
      'event:transfer-requested',
    ]);
    expect(call.status).toBe(CallStatus.InProgress);
  });

  it('keeps the status line of each response to its INVITE, provisional ones as sent, then the final one', async () => {
    const answered = setup();
    await answered.leg.start();
    const { channelId } = answered.gateway.originated[0];
    answered.gateway.emit(channelId, {
      kind: 'setup-response',
      sipCode: 180,
      statusLine: 'SIP/2.0 180 Ringing Now',
    });
    answered.gateway.emit(channelId, {
      kind: 'setup-response',
      sipCode: 183,
      statusLine: 'SIP/2.0 183 Session Progress',
    });
    answered.gateway.answerLeg(channelId);
    await flush();
    expect(answered.leg.sipStatusLines).toEqual([
      'SIP/2.0 180 Ringing Now',
      'SIP/2.0 183 Session Progress',
      'SIP/2.0 200 OK',
    ]);
    expect(answered.heard).toContain('event:setup-response');

    const busy = setup();
    await busy.leg.start();
    const busyChannel = busy.gateway.originated[0].channelId;
    busy.gateway.emit(busyChannel, { kind: 'hangup', cause: 17, causeText: 'User busy', sipCode: 486 });
    await busy.leg.finished;
    expect(busy.leg.sipStatusLines).toEqual(['SIP/2.0 486 Busy Here']);
  });

  it('adopts an inbound channel with the events that came before its record, and runs its program', async () => {
    const { gateway, leg, program, call } = setup({
      direction: CallDirection.Inbound,
      status: CallStatus.Ringing,
      channelId: 'in-1',
    });
    gateway.channels.add('in-1');
    leg.adoptInbound([{ kind: 'dtmf', digit: '5' }]);
    await flush();
    expect(program.underControl).toHaveBeenCalledTimes(1);
    expect(gateway.labels.get('in-1')).toEqual({ callSid: call.sid });
    await leg.answer();
    expect(call.status).toBe(CallStatus.InProgress);
    expect(gateway.commandsFor('in-1')).toEqual(['labelChannel', 'answer']);
  });

  it('rejects an unanswered inbound call with the exact SIP code and ends with it', async () => {
    const { gateway, leg, call } = setup({
      direction: CallDirection.Inbound,
      status: CallStatus.Ringing,
      channelId: 'in-2',
    });
    gateway.channels.add('in-2');
    leg.adoptInbound([]);
    await leg.reject(486);
    await leg.finished;
    expect(call).toMatchObject({ status: CallStatus.Busy, sipResponseCode: 486 });
  });

  it('hears nothing more once detached at shutdown, and stores nothing for the call', async () => {
    const { gateway, writes, leg, call } = setup();
    await leg.start();
    const { channelId } = gateway.originated[0];
    gateway.answerLeg(channelId);
    await flush();
    const stored = writes.length;
    leg.detach();
    gateway.farEndHangsUp(channelId);
    await flush();
    expect(writes.length).toBe(stored);
    expect(call.status).toBe(CallStatus.InProgress);
    expect(leg.signal.aborted).toBe(true);
  });

  it('keeps working when an observer throws', async () => {
    const { gateway, leg, call } = setup();
    const bug = () => {
      throw new Error('listener bug');
    };
    leg.observe({ answered: bug, ended: bug });
    await leg.start();
    gateway.farEndHangsUp(gateway.originated[0].channelId);
    await leg.finished;
    expect(call.status).toBe(CallStatus.Failed);
  });
});
