import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { SerialQueue } from '../../common/serial-queue';
import type {
  ChannelEvent,
  HoldOptions,
  RecordRequest,
  TelephonyGateway,
} from '../../telephony/telephony-gateway.port';
import type { CallEventPayload, PartyPayload } from '../events/call-event';
import type { CallEventBus } from '../events/call-event-bus';
import type { LegHangup } from '../ports/leg-hangup.port';
import type { ConversationMember } from './conversation-member';
import { JOINING, nextPartyState, PartySignal, PartyState } from './party-state-machine';

export interface ConversationOptions {
  /** The bridge id, chosen before the bridge exists; `cw-bridge-<uuid>` by default. */
  id?: string;
  /** Dial: once one side leaves, the remaining party is hung up. */
  endWhenAlone?: boolean;
}

/** A party as callers see it. */
export interface PartyView extends PartyState {
  callSid: string;
  accountSid: string;
  channelId: string;
}

interface Party {
  member: ConversationMember;
  state: PartyState;
  stopWatching: () => void;
}

const PARTY_SIGNAL_EVENTS: Partial<Record<PartySignal['type'], PartyPayload['type']>> = {
  joined: 'party.joined',
  hold: 'party.held',
  unhold: 'party.unheld',
  'phone-held': 'party.held',
  'phone-unheld': 'party.unheld',
  mute: 'party.muted',
  unmute: 'party.unmuted',
  park: 'party.parked',
  unpark: 'party.unparked',
};

/**
 * A conversation is one bridge and the legs in it (its parties). It keeps party state through the party
 * state machine, publishes every change on the event bus, and never owns the legs: it hangs one up only
 * through `LegHangup`. Commands run one at a time; refusals are DomainErrors.
 */
export class Conversation {
  readonly id: string;
  private readonly logger = new Logger(Conversation.name);
  private readonly parties = new Map<string, Party>();
  private readonly queue = new SerialQueue();
  private readonly endedListeners: Array<() => void> = [];
  private readonly partyListeners: Array<(callSid: string, present: boolean) => void> = [];
  private readonly recordings = new Set<string>();
  private readonly endWhenAlone: boolean;
  private aloneSuspensions = 0;
  private status: 'new' | 'live' | 'ended' = 'new';

  constructor(
    private readonly gateway: TelephonyGateway,
    private readonly bus: CallEventBus,
    private readonly legs: LegHangup,
    options: ConversationOptions = {},
  ) {
    this.id = options.id ?? `cw-bridge-${randomUUID()}`;
    this.endWhenAlone = options.endWhenAlone ?? false;
  }

  get bridgeId(): string {
    return this.id;
  }
  /** True when a party left alone is hung up (a two-party call), false for a room that waits. */
  get endsWhenAlone(): boolean {
    return this.endWhenAlone;
  }
  get isEnded(): boolean {
    return this.status === 'ended';
  }

  /** Creates the bridge and joins `members`, each of whom hears `conversation.started` first. */
  async start(members: ConversationMember[] = []): Promise<void> {
    await this.queue.run(async () => {
      if (this.status !== 'new') throw this.gone();
      await this.gateway.createBridge(this.id);
      this.status = 'live';
    });
    for (const member of members)
      if (!member.ended.aborted)
        this.bus.publish(member, { type: 'conversation.started', conversationId: this.id });
    for (const member of members) await this.join(member);
  }

  /**
   * Takes over a bridge Asterisk still holds, with `members` already in it (after a platform restart):
   * nothing is asked of Asterisk, the parties are connected as they were.
   */
  async adopt(members: ConversationMember[]): Promise<void> {
    await this.queue.run(async () => {
      if (this.status !== 'new') throw this.gone();
      this.status = 'live';
    });
    for (const member of members) await this.join(member, { alreadyInBridge: true });
  }

  /** Adds the leg to the bridge; a channel in another bridge is moved (see `moveTo`). */
  join(member: ConversationMember, options: { alreadyInBridge?: boolean } = {}): Promise<void> {
    return this.queue.run(async () => {
      this.requireLive();
      if (this.parties.has(member.callSid)) return;
      if (member.ended.aborted)
        throw new DomainError(DomainErrorCode.CallNotInProgress, `Call ${member.callSid} has ended`);
      const onEnded = () => this.partyEnded(member.callSid);
      member.ended.addEventListener('abort', onEnded);
      const party: Party = {
        member,
        state: JOINING,
        stopWatching: () => member.ended.removeEventListener('abort', onEnded),
      };
      this.parties.set(member.callSid, party);
      for (const listener of this.partyListeners) listener(member.callSid, true);
      try {
        if (!options.alreadyInBridge) await this.gateway.addToBridge(this.id, member.channelId);
      } catch (error) {
        this.drop(party);
        throw error;
      }
      // entered-bridge may have come first: then this is no change.
      if (this.parties.get(member.callSid) === party) this.apply(party, { type: 'joined' });
    });
  }

  /** Takes the party out of the bridge; its leg stays up. */
  leave(callSid: string): Promise<void> {
    return this.queue.run(async () => {
      const party = this.partyOf(callSid);
      this.remove(party);
      await this.gateway.removeFromBridge(this.id, party.member.channelId);
      await this.checkAlone();
    });
  }

  /**
   * Moves the party into `target` in one step (Asterisk moves a channel from bridge to bridge, so it is
   * never out of both); this conversation's bridge is left alone until the channel is out of it.
   */
  async moveTo(callSid: string, target: Conversation): Promise<void> {
    const member = await this.queue.run(async () => {
      const party = this.partyOf(callSid);
      this.remove(party);
      return party.member;
    });
    try {
      await target.join(member);
    } finally {
      await this.queue.run(() => this.checkAlone());
    }
  }

  /** The held party hears hold treatment and the others no longer hear it. */
  hold(callSid: string, options: HoldOptions): Promise<void> {
    return this.command(callSid, { type: 'hold' }, (channelId) => this.gateway.hold(channelId, options));
  }
  unhold(callSid: string): Promise<void> {
    return this.command(callSid, { type: 'unhold' }, (channelId) => this.gateway.unhold(channelId));
  }
  /** The others stop hearing the party (its audio into the bridge is cut). */
  mute(callSid: string): Promise<void> {
    return this.command(callSid, { type: 'mute' }, (channelId) => this.gateway.mute(channelId, 'in'));
  }
  unmute(callSid: string): Promise<void> {
    return this.command(callSid, { type: 'unmute' }, (channelId) => this.gateway.unmute(channelId, 'in'));
  }

  /**
   * Parks the party as `parkId`: it hears music on hold (its phone is told nothing) and the others no
   * longer hear it, until `unpark`. Hold and unhold are refused meanwhile.
   */
  park(callSid: string, parkId: string): Promise<void> {
    return this.command(callSid, { type: 'park', parkId }, (channelId) =>
      this.gateway.hold(channelId, { sipVisible: false }),
    );
  }
  unpark(callSid: string): Promise<void> {
    return this.command(callSid, { type: 'unpark' }, (channelId) => this.gateway.unhold(channelId));
  }

  /** Events of a member's channel, routed here by the leg's owner. */
  channelEvent(callSid: string, event: ChannelEvent): void {
    const party = this.parties.get(callSid);
    if (!party) return;
    if (event.kind === 'entered-bridge' && event.bridgeId === this.id) this.apply(party, { type: 'joined' });
    else if (event.kind === 'left-bridge' && event.bridgeId === this.id) this.partyMovedOut(party);
    else if (event.kind === 'phone-held') this.apply(party, { type: 'phone-held' }, 'phone');
    else if (event.kind === 'phone-unheld') this.apply(party, { type: 'phone-unheld' }, 'phone');
    else if (event.kind === 'hangup') this.partyEnded(callSid);
  }

  /** Records the whole conversation (the bridge's mix) under `request.name`. */
  record(request: RecordRequest): Promise<void> {
    return this.queue.run(async () => {
      this.requireLive();
      await this.gateway.recordBridge(this.id, request);
      this.recordings.add(request.name);
    });
  }
  pauseRecording(name: string): Promise<void> {
    return this.recordingCommand(name, () => this.gateway.pauseRecording(name));
  }
  resumeRecording(name: string): Promise<void> {
    return this.recordingCommand(name, () => this.gateway.resumeRecording(name));
  }
  stopRecording(name: string): Promise<void> {
    return this.recordingCommand(name, async () => {
      await this.gateway.stopRecording(name);
      this.recordings.delete(name);
    });
  }

  /**
   * Records one party: a recording of a bridged channel fails in Asterisk, so a snoop channel hearing the
   * party (`spy: in`: what the party says) is recorded instead.
   */
  recordParty(callSid: string, request: RecordRequest, spy: 'in' | 'out' | 'both' = 'in'): Promise<void> {
    return this.queue.run(async () => {
      const party = this.partyOf(callSid);
      const snoopChannelId = this.gateway.newChannelId();
      await this.gateway.snoop(party.member.channelId, { snoopChannelId, spy, whisper: 'none' });
      await this.gateway.record(snoopChannelId, request);
      this.recordings.add(request.name);
    });
  }

  /** Ends the conversation: every party leaves and the bridge is destroyed; the legs stay up. */
  end(): Promise<void> {
    return this.queue.run(() => this.endNow());
  }

  /** While a transfer rearranges parties, a lone party is not hung up; the returned function resumes. */
  suspendEndWhenAlone(): () => void {
    this.aloneSuspensions++;
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      this.aloneSuspensions--;
      void this.queue.run(async () => this.checkAlone());
    };
  }

  party(callSid: string): PartyView | undefined {
    const party = this.parties.get(callSid);
    return party && this.view(party);
  }
  partyList(): PartyView[] {
    return [...this.parties.values()].map((party) => this.view(party));
  }
  member(callSid: string): ConversationMember | undefined {
    return this.parties.get(callSid)?.member;
  }

  /** Told each time a leg becomes a party (`present`) or stops being one. */
  onPartyChange(listener: (callSid: string, present: boolean) => void): void {
    this.partyListeners.push(listener);
  }

  onEnded(listener: () => void): void {
    if (this.status === 'ended') listener();
    else this.endedListeners.push(listener);
  }

  private command(
    callSid: string,
    signal: PartySignal,
    request: (channelId: string) => Promise<void>,
  ): Promise<void> {
    return this.queue.run(async () => {
      const party = this.partyOf(callSid);
      const transition = nextPartyState(party.state, signal);
      if (transition.refusal)
        throw new DomainError(
          DomainErrorCode.InvalidPartyState,
          `Party ${callSid} cannot ${signal.type}: it is ${party.state.parked ? 'parked' : party.state.status}`,
        );
      if (!transition.changed) return;
      await request(party.member.channelId);
      this.apply(party, signal);
    });
  }

  private recordingCommand(name: string, request: () => Promise<void>): Promise<void> {
    return this.queue.run(async () => {
      if (!this.recordings.has(name))
        throw new DomainError(DomainErrorCode.NotFound, `No recording ${name} in conversation ${this.id}`);
      await request();
    });
  }

  /** Applies a signal to a party's state and publishes the change, if any. */
  private apply(party: Party, signal: PartySignal, by: 'platform' | 'phone' = 'platform'): void {
    const transition = nextPartyState(party.state, signal);
    if (transition.refusal || !transition.changed) return;
    party.state = transition.state;
    const type = PARTY_SIGNAL_EVENTS[signal.type];
    if (!type) return;
    const conversationId = this.id;
    this.publish(
      party.member,
      type === 'party.held' || type === 'party.unheld'
        ? { type, conversationId, by }
        : type === 'party.parked'
          ? { type, conversationId, parkId: party.state.parked! }
          : { type, conversationId },
    );
  }

  /** The party's leg is over: it leaves at once (its last events must precede the leg's final one). */
  private partyEnded(callSid: string): void {
    const party = this.parties.get(callSid);
    if (!party) return;
    this.remove(party, true);
    void this.queue.run(async () => this.checkAlone());
  }

  /** Out of the bridge without the platform asking (Asterisk or another application moved it). */
  private partyMovedOut(party: Party): void {
    this.remove(party);
    void this.queue.run(async () => this.checkAlone());
  }

  private remove(party: Party, legEnded = false): void {
    party.state = { status: 'left', held: false, muted: false };
    this.drop(party);
    const payload = { type: 'party.left', conversationId: this.id } as const;
    if (legEnded) this.bus.publish(party.member, payload);
    else this.publish(party.member, payload);
  }

  private drop(party: Party): void {
    party.stopWatching();
    if (this.parties.get(party.member.callSid) !== party) return;
    this.parties.delete(party.member.callSid);
    for (const listener of this.partyListeners) listener(party.member.callSid, false);
  }

  private async checkAlone(): Promise<void> {
    if (this.status !== 'live' || this.aloneSuspensions > 0) return;
    if (this.parties.size === 0) return this.endNow();
    if (this.parties.size === 1 && this.endWhenAlone) {
      const [last] = this.parties.values();
      void this.legs
        .hangUp(last.member.callSid)
        .catch((error: unknown) =>
          this.logger.warn(`hangup of lone ${last.member.callSid}: ${String(error)}`),
        );
    }
  }

  private async endNow(): Promise<void> {
    if (this.status === 'ended') return;
    const wasLive = this.status === 'live';
    this.status = 'ended';
    for (const party of [...this.parties.values()]) {
      this.remove(party);
      this.publish(party.member, { type: 'conversation.ended', conversationId: this.id });
    }
    for (const listener of this.endedListeners.splice(0)) listener();
    if (!wasLive) return;
    await this.gateway
      .destroyBridge(this.id)
      .catch((error: unknown) => this.logger.warn(`destroy bridge ${this.id}: ${String(error)}`));
  }

  /** Events go only to calls still up: a call's stream closes with its final status. */
  private publish(member: ConversationMember, payload: CallEventPayload): void {
    if (!member.ended.aborted) this.bus.publish(member, payload);
  }

  private partyOf(callSid: string): Party {
    this.requireLive();
    const party = this.parties.get(callSid);
    if (!party)
      throw new DomainError(
        DomainErrorCode.PartyNotFound,
        `Call ${callSid} is not in conversation ${this.id}`,
      );
    return party;
  }

  private requireLive(): void {
    if (this.status !== 'live') throw this.gone();
  }

  private gone(): DomainError {
    return new DomainError(DomainErrorCode.ConversationNotFound, `Conversation ${this.id} is not live`);
  }

  private view(party: Party): PartyView {
    const { callSid, accountSid, channelId } = party.member;
    return { callSid, accountSid, channelId, ...party.state };
  }
}
