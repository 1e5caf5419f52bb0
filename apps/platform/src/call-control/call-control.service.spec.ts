import { Logger } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { buildCallEntity } from '../../../../test/factories/call-entity.factory';
import type { HangupReason } from '../telephony/telephony-gateway.port';
import { FakeTelephonyGateway } from '../telephony/testing/fake-telephony-gateway';
import { CallControl } from './call-control.service';
import { ConversationRegistry } from './conversations/conversation-registry';
import { Transfers } from './conversations/transfers';
import { CallEventBus } from './events/call-event-bus';
import type { CallEntity } from './legs/call.entity';
import { CallLeg } from './legs/call-leg';
import { CallRecords } from './legs/call-records';
import { CallStatus } from './legs/call-status';
import { LegDirectory } from './ports/leg-directory.port';
import { LegHangup } from './ports/leg-hangup.port';
import type { LegPlacer } from './ports/leg-placer.port';
import type { NotificationSink } from './ports/notification-sink.port';
import type { TransferTargetResolver } from './ports/transfer-target.port';

const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Real legs on the fake gateway, kept by sid as the calls facade keeps them. */
class Legs extends LegHangup implements LegDirectory {
  readonly bySid = new Map<string, CallLeg>();
  find(callSid: string) {
    return this.bySid.get(callSid);
  }
  async hangUp(callSid: string, _reason?: HangupReason) {
    await this.bySid.get(callSid)?.hangup('platform');
  }
}

async function setup() {
  const gateway = new FakeTelephonyGateway();
  const events = new CallEventBus();
  const legs = new Legs();
  const records = new CallRecords({ update: async () => undefined } as unknown as Repository<CallEntity>);
  const notifications = { record: async () => undefined } as NotificationSink;
  const registry = new ConversationRegistry(gateway, events, legs);
  const transfers = new Transfers(gateway, events, registry, {} as LegPlacer, legs, {
    resolve: async () => null,
  } as TransferTargetResolver);
  const control = new CallControl(registry, transfers, legs, legs, gateway);
  /** An outbound leg, dialled. */
  const newLeg = async (): Promise<CallLeg> => {
    const deps = { gateway, records, notifications, events };
    const leg = new CallLeg(buildCallEntity({ status: CallStatus.Queued }), deps, { hops: 1 });
    legs.bySid.set(leg.sid, leg);
    await leg.start();
    return leg;
  };
  /** An answered outbound leg. */
  const answered = async (): Promise<CallLeg> => {
    const leg = await newLeg();
    gateway.answerLeg(leg.channelId);
    await flush();
    return leg;
  };
  return { gateway, control, answered, newLeg, registry };
}

describe('CallControl (the operations every facade calls)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('bridges two legs into a conversation and hangs up the one left alone', async () => {
    const { gateway, control, answered } = await setup();
    const [alice, bob] = [await answered(), await answered()];
    const conversationId = await control.bridge([alice.sid, bob.sid]);
    await flush();
    expect([...gateway.bridges.get(conversationId)!]).toEqual([alice.channelId, bob.channelId]);
    expect(control.partyOf(bob.sid).parties.map((party) => party.callSid)).toEqual([alice.sid, bob.sid]);

    gateway.farEndHangsUp(bob.channelId);
    await alice.finished;
    expect(alice.snapshot.status).toBe(CallStatus.Completed);
  });

  it('plays, sends DTMF and forwards on one leg, and refuses a leg that is not live', async () => {
    const { gateway, control, answered } = await setup();
    const leg = await answered();
    const playing = control.play(leg.sid, 'sound:hello-world');
    await flush();
    const played = gateway.commands.find((command) => command.op === 'play')!;
    expect(played).toMatchObject({ channelId: leg.channelId, args: { media: 'sound:hello-world' } });
    leg.media.handle({
      kind: 'playback-finished',
      playbackId: (played.args as { playbackId: string }).playbackId,
      failed: false,
    });
    expect(await playing).toBe(false);

    await control.forward(leg.sid, { kind: 'sip', uri: 'sip:carol@127.0.0.1' });
    expect(gateway.commandsFor(leg.channelId)).toContain('redirect');
    await expect(control.sendDtmf('CA-unknown', '1')).rejects.toMatchObject({ code: 21220 });
  });

  it('cancels a leg still ringing, and leaves an answered one alone', async () => {
    const { gateway, control, answered, newLeg } = await setup();
    const ringing = await newLeg();
    gateway.emit(ringing.channelId, { kind: 'ringing' });
    expect(await control.cancel(ringing.sid)).toBe(true);
    await ringing.finished;
    expect(ringing.snapshot.status).toBe(CallStatus.Canceled);
    const up = await answered();
    expect(await control.cancel(up.sid)).toBe(false);
    expect(up.snapshot.status).toBe(CallStatus.InProgress);
  });

  it('records a conversation with pause and resume, and one party through a snoop', async () => {
    const { gateway, control, answered } = await setup();
    const [alice, bob] = [await answered(), await answered()];
    await control.bridge([alice.sid, bob.sid]);
    const request = {
      name: 'rec-1',
      maxDurationSeconds: 60,
      maxSilenceSeconds: 0,
      beep: false,
      terminateOn: 'none' as const,
    };
    await control.record(alice.sid, request);
    await control.pauseRecording(alice.sid, 'rec-1');
    await control.resumeRecording(alice.sid, 'rec-1');
    await control.stopRecording(alice.sid, 'rec-1');
    expect(gateway.commands.map((command) => command.op)).toEqual(
      expect.arrayContaining(['recordBridge', 'pauseRecording', 'resumeRecording', 'stopRecording']),
    );
    await control.record(bob.sid, { ...request, name: 'rec-bob' }, { partyOnly: true });
    expect(gateway.commandsFor(bob.channelId)).toContain('snoop');
  });

  it('holds and unholds a party, keeping its state in the core', async () => {
    const { gateway, control, answered } = await setup();
    const [alice, bob] = [await answered(), await answered()];
    await control.bridge([alice.sid, bob.sid]);
    await control.hold(bob.sid, { sipVisible: true });
    expect(gateway.held.get(bob.channelId)).toEqual({ sipVisible: true });
    expect(control.partyOf(bob.sid).party.held).toBe(true);
    await control.unhold(bob.sid);
    expect(control.partyOf(bob.sid).party.held).toBe(false);
    await control.mute(alice.sid);
    expect(control.partyOf(alice.sid).party.muted).toBe(true);
  });
});
