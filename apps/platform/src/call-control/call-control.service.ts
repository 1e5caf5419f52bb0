import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { DialTarget, RecordRequest, TelephonyGateway } from '../telephony/telephony-gateway.port';
import type { CallLeg, LegProgram } from './legs/call-leg';
import { LegDirectory } from './ports/leg-directory.port';
import type { Conversation, PartyView } from './conversations/conversation';
import { ConversationRegistry } from './conversations/conversation-registry';
import {
  ConversationRecordings,
  type ConversationRecordingView,
  type StartedConversationRecording,
} from './conversations/conversation-recordings';
import type { TransferView } from './conversations/transfer';
import { MergeRequest, Transfers } from './conversations/transfers';
import { LegHangup } from './ports/leg-hangup.port';

/** Whom a transfer rings, as a facade asks for it. */
export interface TransferTarget {
  target: DialTarget;
  /** What the new leg's record shows as To; the target's own address by default. */
  to?: string;
  callerId: string;
  timeoutSeconds?: number;
}

const DEFAULT_RING_SECONDS = 30;

/**
 * The call-control operations every facade calls: on one leg (answer, reject, play, DTMF, forward,
 * hangup) and on the conversations legs are parties of (bridge, join, leave, hold, mute, record,
 * transfers). RCML reaches conversations through Dial; the PBX facades through here.
 */
@Injectable()
export class CallControl {
  private readonly conversationRecordings: ConversationRecordings;

  constructor(
    private readonly conversations: ConversationRegistry,
    private readonly transfers: Transfers,
    private readonly legs: LegHangup,
    private readonly directory: LegDirectory,
    private readonly gateway: TelephonyGateway,
  ) {
    this.conversationRecordings = new ConversationRecordings(gateway);
  }

  // ---- one leg ----

  async answer(callSid: string): Promise<void> {
    return this.leg(callSid).answer();
  }

  /** Refuses an unanswered call with an exact SIP final response (486, 603, 404...). */
  async reject(callSid: string, sipCode: number): Promise<void> {
    return this.leg(callSid).reject(sipCode);
  }

  /**
   * Ends a leg that has not been answered yet, `canceled`. An answered leg is left alone (false), as
   * Twilio's Status=canceled leaves it.
   */
  async cancel(callSid: string): Promise<boolean> {
    const leg = this.leg(callSid);
    if (leg.isAnswered()) return false;
    await leg.hangup('cancel');
    return true;
  }

  /** Plays `media` (`sound:` name or the platform's own media URL) to the leg; true when it failed. */
  async play(callSid: string, media: string): Promise<boolean> {
    const leg = this.leg(callSid);
    return leg.media.play(media, leg.signal);
  }

  async sendDtmf(callSid: string, digits: string): Promise<void> {
    const leg = this.leg(callSid);
    return leg.media.sendDtmf(digits, leg.signal);
  }

  /** Attaches what runs on the leg once the platform controls it (an RCML document, say). */
  attachProgram(callSid: string, program: LegProgram | null): void {
    this.leg(callSid).attachProgram(program);
  }

  /** Sends the phone elsewhere: a REFER once answered, a 302 while ringing (Asterisk leaves the path). */
  async forward(callSid: string, target: DialTarget): Promise<void> {
    await this.gateway.redirect(this.leg(callSid).channelId, target);
  }

  /**
   * Whether this leg is a callee still ringing for a party that waits (an inbound caller being
   * connected, a call-out's first party): such a leg is forwarded with `forwardRinging`.
   */
  isRingingCallee(callSid: string): boolean {
    return this.conversations.ringing.ringing(callSid) !== undefined;
  }

  /**
   * Stops the ringing callee side this leg belongs to (every phone of it, canceled) and rings
   * `targets` instead for the same waiting party; whoever answers is bridged as the callee would have
   * been. 409 once the callee answered.
   */
  async forwardRinging(callSid: string, forward: { targets: DialTarget[]; to?: string }): Promise<string[]> {
    const side = this.conversations.ringing.ringing(callSid);
    if (!side)
      throw new DomainError(DomainErrorCode.InvalidPartyState, `Call ${callSid} is not a ringing callee`);
    const members = await side.retarget(forward.targets, forward.to);
    return members.map((member) => member.callSid);
  }

  // ---- conversations ----

  /** Bridges the legs into a new conversation (a two-party call: a party left alone is hung up). */
  async bridge(callSids: string[], options: { endWhenAlone?: boolean } = {}): Promise<string> {
    const legs = callSids.map((callSid) => this.leg(callSid));
    const conversation = this.conversations.create({ endWhenAlone: options.endWhenAlone ?? true });
    await conversation.start(legs);
    return conversation.bridgeId;
  }

  async join(conversationId: string, callSid: string): Promise<void> {
    await this.conversations.get(conversationId).join(this.leg(callSid));
  }

  async leave(callSid: string): Promise<void> {
    await this.conversationOf(callSid).leave(callSid);
  }

  /** Records the whole conversation (`callSid` names any party of it), or one party's audio via snoop. */
  async record(
    callSid: string,
    request: RecordRequest,
    options: { partyOnly?: boolean } = {},
  ): Promise<void> {
    const conversation = this.conversationOf(callSid);
    await (options.partyOnly ? conversation.recordParty(callSid, request) : conversation.record(request));
  }

  async pauseRecording(callSid: string, name: string): Promise<void> {
    await this.conversationOf(callSid).pauseRecording(name);
  }

  async resumeRecording(callSid: string, name: string): Promise<void> {
    await this.conversationOf(callSid).resumeRecording(name);
  }

  async stopRecording(callSid: string, name: string): Promise<void> {
    await this.conversationOf(callSid).stopRecording(name);
  }

  /**
   * Records the conversation `callSid` is a party of until it ends (or Asterisk stops it), pausable;
   * `finished` brings the WAV, the paused time left out.
   */
  async startConversationRecording(callSid: string): Promise<StartedConversationRecording> {
    const conversation = this.conversationOf(callSid);
    const member = conversation.member(callSid)!;
    return this.conversationRecordings.start(conversation, callSid, member.accountSid);
  }

  /** Pauses (`active: false`) or resumes a recording of the conversation `callSid` is in; idempotent. */
  setConversationRecordingActive(
    callSid: string,
    recordingId: string,
    active: boolean,
  ): Promise<ConversationRecordingView> {
    return this.conversationRecordings.setActive(
      this.conversations.conversationOf(callSid),
      recordingId,
      active,
    );
  }

  /** The live recordings of a conversation (none once it ended). */
  conversationRecordingsOf(conversationId: string): ConversationRecordingView[] {
    return this.conversationRecordings.of(conversationId);
  }

  /** The party a call is in its conversation, with the conversation's other parties. */
  partyOf(callSid: string): { conversationId: string; party: PartyView; parties: PartyView[] } {
    const conversation = this.conversationOf(callSid);
    return {
      conversationId: conversation.bridgeId,
      party: conversation.party(callSid)!,
      parties: conversation.partyList(),
    };
  }

  /** The held party hears hold treatment; `sipVisible`: its phone is told with a sendonly re-INVITE. */
  async hold(callSid: string, options: { sipVisible?: boolean } = {}): Promise<void> {
    return this.conversationOf(callSid).hold(callSid, { sipVisible: options.sipVisible ?? false });
  }

  async unhold(callSid: string): Promise<void> {
    return this.conversationOf(callSid).unhold(callSid);
  }

  /** The other parties stop hearing this one. */
  async mute(callSid: string): Promise<void> {
    return this.conversationOf(callSid).mute(callSid);
  }

  async unmute(callSid: string): Promise<void> {
    return this.conversationOf(callSid).unmute(callSid);
  }

  /** `initiator` hands `transferred` over to a new leg to `to` and drops out once it answers. */
  blindTransfer(
    initiatorCallSid: string,
    transferredCallSid: string,
    to: TransferTarget,
  ): Promise<TransferView> {
    return this.transfers.blind({
      initiatorCallSid,
      transferredCallSid,
      recipient: { ...to, timeoutSeconds: to.timeoutSeconds ?? DEFAULT_RING_SECONDS },
    });
  }

  /**
   * Moves the party's call to another phone (`to`: another phone of the same user): the other party
   * waits on hold while it rings; once it answers it takes the call and the party's leg is hung up.
   * Unanswered, the call goes on as before. Refused unless the party has exactly one other party.
   */
  flip(callSid: string, to: TransferTarget): Promise<TransferView> {
    const conversation = this.conversationOf(callSid);
    const party = conversation.party(callSid);
    const others = conversation
      .partyList()
      .filter((other) => other.callSid !== callSid && other.status === 'connected');
    if (party?.status !== 'connected' || others.length !== 1)
      throw new DomainError(
        DomainErrorCode.InvalidPartyState,
        `Call ${callSid} cannot flip: it needs to be connected with exactly one other party`,
      );
    return this.blindTransfer(callSid, others[0].callSid, to);
  }

  /**
   * `initiator` consults a new leg to `to` while `transferred` waits on hold; `completeTransfer` then
   * connects `transferred` with it, `cancelTransfer` goes back.
   */
  attendedTransfer(
    initiatorCallSid: string,
    transferredCallSid: string,
    to: TransferTarget,
  ): Promise<TransferView> {
    return this.transfers.attended({
      initiatorCallSid,
      transferredCallSid,
      recipient: { ...to, timeoutSeconds: to.timeoutSeconds ?? DEFAULT_RING_SECONDS },
    });
  }

  /**
   * `initiator` has a call with `transferred` and another (`consultation`) with `recipient`: connects
   * `transferred` with `recipient` and hangs up both of the initiator's legs.
   */
  mergeTransfer(request: MergeRequest): Promise<TransferView> {
    return this.transfers.merge(request);
  }

  completeTransfer(transferId: string): Promise<TransferView> {
    return this.transfers.complete(transferId);
  }

  cancelTransfer(transferId: string): Promise<TransferView> {
    return this.transfers.cancel(transferId);
  }

  /** Settles with the transfer as it ended (completed, canceled or abandoned). */
  transferOutcome(transferId: string): Promise<TransferView> {
    return this.transfers.outcome(transferId);
  }

  async hangup(callSid: string): Promise<void> {
    return this.legs.hangUp(callSid);
  }

  private leg(callSid: string): CallLeg {
    const leg = this.directory.find(callSid);
    if (!leg || leg.signal.aborted)
      throw new DomainError(DomainErrorCode.CallNotInProgress, `Call ${callSid} is not live`);
    return leg;
  }

  private conversationOf(callSid: string): Conversation {
    const conversation = this.conversations.conversationOf(callSid);
    if (!conversation)
      throw new DomainError(DomainErrorCode.PartyNotFound, `Call ${callSid} is not in a conversation`);
    return conversation;
  }
}
