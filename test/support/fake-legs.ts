import { CallStatus } from '../../apps/platform/src/call-control/legs/call-status';
import type { ChannelEvent, HangupReason } from '../../apps/platform/src/telephony/telephony-gateway.port';
import type { FakeTelephonyGateway } from '../../apps/platform/src/telephony/testing/fake-telephony-gateway';
import type { ConversationMember } from '../../apps/platform/src/call-control/conversations/conversation-member';
import type { CallEventBus } from '../../apps/platform/src/call-control/events/call-event-bus';
import type { LegHangup } from '../../apps/platform/src/call-control/ports/leg-hangup.port';
import {
  LegPlacer,
  PlaceLegRequest,
  PlacedLeg,
} from '../../apps/platform/src/call-control/ports/leg-placer.port';

export interface FakeLeg extends ConversationMember {
  /** The leg's channel events as the test's far end produced them. */
  readonly events: ChannelEvent[];
}

/**
 * What the lead's CallLeg does for conversations, in miniature: one channel per leg watched on the fake
 * gateway, every event routed to the core, `ended` aborted on hangup just before the final status is
 * published. Used by unit tests of conversations and transfers.
 */
export class FakeLegs extends LegPlacer implements LegHangup {
  readonly placed: PlaceLegRequest[] = [];
  readonly hungUp: string[] = [];
  private readonly legs = new Map<string, FakeLeg>();
  private readonly extraListeners = new Map<string, Array<(event: ChannelEvent) => void>>();
  private nextSid = 1;

  constructor(
    private readonly gateway: FakeTelephonyGateway,
    private readonly bus: CallEventBus,
    /** Where every channel event of a leg goes (the conversations, through transfers or the registry). */
    private readonly route: (callSid: string, event: ChannelEvent) => void,
  ) {
    super();
  }

  /** An answered leg whose channel is up in the fake Asterisk. */
  answered(name: string, accountSid = 'AC-test'): FakeLeg {
    const leg = this.create(name, accountSid, true);
    this.gateway.channels.add(leg.channelId);
    this.bus.publish(leg, { type: 'leg.status', status: CallStatus.InProgress });
    return leg;
  }

  byCallSid(callSid: string): FakeLeg {
    const leg = this.legs.get(callSid);
    if (!leg) throw new Error(`no fake leg ${callSid}`);
    return leg;
  }

  async placeLeg(request: PlaceLegRequest): Promise<PlacedLeg> {
    this.placed.push(request);
    const leg = this.create(`placed-${this.placed.length}`, request.accountSid, false);
    const answered = new Promise<boolean>((resolve) => {
      this.onEvent(leg, (event) => {
        if (event.kind === 'answered') resolve(true);
        if (event.kind === 'hangup') resolve(false);
      });
    });
    await this.gateway.originate({
      channelId: leg.channelId,
      target: request.target,
      callerId: request.callerId,
      timeoutSeconds: request.timeoutSeconds,
      hops: 0,
      labels: { callSid: leg.callSid, parentCallSid: request.forCallSid ?? undefined },
    });
    return { member: leg, answered };
  }

  async hangUp(callSid: string, reason?: HangupReason): Promise<void> {
    this.hungUp.push(callSid);
    await this.gateway.hangup(this.byCallSid(callSid).channelId, reason);
  }

  private onEvent(leg: FakeLeg, listener: (event: ChannelEvent) => void): void {
    this.extraListeners.set(leg.callSid, [...(this.extraListeners.get(leg.callSid) ?? []), listener]);
  }

  private create(name: string, accountSid: string, alreadyAnswered: boolean): FakeLeg {
    const controller = new AbortController();
    const leg: FakeLeg = {
      callSid: `CA-${name}-${this.nextSid++}`,
      accountSid,
      channelId: `chan-${name}`,
      ended: controller.signal,
      events: [],
    };
    this.legs.set(leg.callSid, leg);
    let answered = alreadyAnswered;
    this.gateway.watchChannel(leg.channelId, (event) => {
      leg.events.push(event);
      for (const listener of this.extraListeners.get(leg.callSid) ?? []) listener(event);
      if (event.kind === 'answered' && !answered) {
        answered = true;
        this.bus.publish(leg, { type: 'leg.status', status: CallStatus.InProgress });
      }
      if (event.kind !== 'hangup') return this.route(leg.callSid, event);
      controller.abort();
      this.route(leg.callSid, event);
      this.bus.publish(leg, {
        type: 'leg.status',
        status: answered ? CallStatus.Completed : CallStatus.Busy,
      });
    });
    return leg;
  }
}
