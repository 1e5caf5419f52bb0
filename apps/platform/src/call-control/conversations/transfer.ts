import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { SerialQueue } from '../../common/serial-queue';
import type { DialTarget, TransferProgress } from '../../telephony/telephony-gateway.port';
import type { TransferRoles } from '../events/call-event';
import type { CallEventBus } from '../events/call-event-bus';
import type { LegHangup } from '../ports/leg-hangup.port';
import type { LegPlacer } from '../ports/leg-placer.port';
import type { Conversation } from './conversation';
import type { ConversationMember } from './conversation-member';
import type { ConversationRegistry } from './conversation-registry';
import {
  nextTransferState,
  TERMINAL_TRANSFER_STATES,
  TransferEffect,
  TransferFlow,
  TransferRole,
  TransferSignal,
  TransferState,
  TransferStatus,
} from './transfer-state-machine';

/** Whom to ring for the recipient, when the transfer places the recipient's leg itself. */
export interface RecipientRequest {
  target: DialTarget;
  /** What the recipient leg's record shows as To (the number dialed rather than its dial string). */
  to?: string;
  callerId: string;
  timeoutSeconds: number;
}

export interface TransferView {
  transferId: string;
  flow: TransferFlow;
  state: TransferState;
  roles: TransferRoles;
  /** The conversation the transferred party was in when the transfer started. */
  conversationId: string;
}

export interface TransferDependencies {
  bus: CallEventBus;
  registry: ConversationRegistry;
  placer: LegPlacer;
  legs: LegHangup;
  /** Tells a REFERring phone the outcome (phone-initiated transfers only). */
  reportProgress?: (initiator: ConversationMember, progress: TransferProgress) => Promise<void>;
}

export interface TransferSetup {
  status: TransferStatus;
  initiator: ConversationMember;
  transferred: ConversationMember;
  /** The conversation of the initiator and the transferred party. */
  origin: Conversation;
  /** Placed by the transfer (blind, attended consultation)... */
  recipientRequest?: RecipientRequest;
  /** ...or already talking with the initiator's other leg in another conversation (merge). */
  consultation?: {
    conversation: Conversation;
    initiatorLeg: ConversationMember;
    recipient: ConversationMember;
  };
  /** Hold treatment of the transferred party while it waits: SIP-visible hold or music on hold. */
  sipVisibleHold: boolean;
}

/**
 * One transfer, driven by the transfer state machine: signals (API requests, leg hangups, the recipient's
 * answer) are applied one at a time and the machine's effects carried out on the conversations.
 */
export class Transfer {
  readonly id = `cw-transfer-${randomUUID()}`;
  private readonly logger = new Logger(Transfer.name);
  private readonly queue = new SerialQueue();
  private readonly finishedListeners: Array<(view: TransferView) => void> = [];
  private readonly resumeOrigin: () => void;
  /** Set while a consultation of this transfer must not hang up a lone party (the initiator on cancel). */
  private resumeConsultation: () => void = () => undefined;
  private status: TransferStatus;
  private readonly initiator: ConversationMember;
  private readonly transferred: ConversationMember;
  private readonly origin: Conversation;
  private consultation: Conversation | null = null;
  private initiatorConsultLeg: ConversationMember | null = null;
  private recipient: ConversationMember | null = null;
  private recipientAnswered = false;
  private recipientPending = false;
  private recipientUnreachable = false;
  private finished = false;
  private progressReported = false;
  private readonly unwatch: Array<() => void> = [];

  constructor(
    private readonly deps: TransferDependencies,
    private readonly setup: TransferSetup,
  ) {
    this.status = setup.status;
    this.initiator = setup.initiator;
    this.transferred = setup.transferred;
    this.origin = setup.origin;
    if (setup.consultation) {
      this.consultation = setup.consultation.conversation;
      this.initiatorConsultLeg = setup.consultation.initiatorLeg;
      this.recipient = setup.consultation.recipient;
      this.recipientAnswered = true;
    }
    // The origin may hold only the transferred party for a while: it must not be hung up as alone.
    this.resumeOrigin = this.origin.suspendEndWhenAlone();
    this.watch(this.initiator, 'initiator-hung-up');
    this.watch(this.transferred, 'transferred-hung-up');
    if (this.recipient) this.watch(this.recipient, 'recipient-hung-up');
  }

  view(): TransferView {
    return {
      transferId: this.id,
      flow: this.status.flow,
      state: this.status.state,
      roles: this.roles(),
      conversationId: this.origin.id,
    };
  }

  get isTerminal(): boolean {
    return TERMINAL_TRANSFER_STATES.has(this.status.state);
  }

  /** Whether the leg plays a part in this transfer (one transfer per leg at a time). */
  involves(callSid: string): boolean {
    return [this.initiator, this.transferred, this.recipient, this.initiatorConsultLeg].some(
      (member) => member?.callSid === callSid,
    );
  }

  /** Called once, when the transfer is over and nothing of it is pending. */
  onFinished(listener: (view: TransferView) => void): void {
    this.finishedListeners.push(listener);
  }

  /** An API request (start, complete, cancel): refused with InvalidTransferState when it does not apply. */
  request(signal: TransferSignal): Promise<TransferView> {
    return this.queue.run(async () => {
      if (!(await this.apply(signal)))
        throw new DomainError(
          DomainErrorCode.InvalidTransferState,
          `Transfer ${this.id} cannot ${signal}: it is ${this.status.state}`,
        );
      return this.view();
    });
  }

  /** Something that happened (a hangup, an answer): ignored when it no longer matters. */
  private happened(signal: TransferSignal): void {
    void this.queue.run(() => this.apply(signal));
  }

  private async apply(signal: TransferSignal): Promise<boolean> {
    const transition = nextTransferState(this.status, signal);
    if (!transition) return false;
    const before = this.status;
    this.status = transition.status;
    const changed = before.state !== this.status.state || before.flow !== this.status.flow;
    // Told before the legs it names change: an initiator about to be hung up still hears it, except
    // that a recipient being placed is named only once placed.
    const placing = transition.effects.includes('place-recipient');
    if (changed && !placing) this.publish();
    let reported = false;
    for (const effect of transition.effects) {
      if (effect === 'hang-up-initiator' && !reported) reported = await this.reportOutcome(signal);
      await this.run(effect);
    }
    if (!reported) await this.reportOutcome(signal);
    if (changed && placing) this.publish();
    this.finishIfDone();
    return true;
  }

  private async run(effect: TransferEffect): Promise<void> {
    try {
      await this.effect(effect);
    } catch (error) {
      // A party that vanished meanwhile: its hangup signal follows and the machine takes it from there.
      this.logger.warn(`transfer ${this.id} ${effect}: ${String(error)}`);
      if (effect === 'place-recipient') {
        this.recipientUnreachable = true;
        this.happened('recipient-failed');
      }
    }
  }

  private async effect(effect: TransferEffect): Promise<void> {
    switch (effect) {
      case 'hold-transferred':
        return this.origin.hold(this.transferred.callSid, { sipVisible: this.setup.sipVisibleHold });
      case 'place-recipient':
        return this.placeRecipient();
      case 'bridge-initiator-with-recipient':
        return this.consult();
      case 'bridge-transferred-with-recipient':
        return this.bridgeTransferredWithRecipient();
      case 'hang-up-initiator':
        await this.hangUp(this.initiator);
        if (this.initiatorConsultLeg) await this.hangUp(this.initiatorConsultLeg);
        return;
      case 'hang-up-recipient':
        return this.recipient ? this.hangUp(this.recipient) : undefined;
      case 'hang-up-transferred':
        return this.hangUp(this.transferred);
      case 'reunite-initiator-with-transferred':
        return this.reunite();
    }
  }

  private async placeRecipient(): Promise<void> {
    const request = this.setup.recipientRequest!;
    this.recipientPending = true;
    const placed = await this.deps.placer
      .placeLeg({ forCallSid: this.initiator.callSid, accountSid: this.initiator.accountSid, ...request })
      .catch((error: unknown) => {
        this.recipientPending = false;
        throw error;
      });
    this.recipient = placed.member;
    this.watch(placed.member, 'recipient-hung-up');
    void placed.answered.then(
      (answered) => this.recipientOutcome(answered),
      () => this.recipientOutcome(false),
    );
  }

  private recipientOutcome(answered: boolean): void {
    this.recipientAnswered = answered;
    this.happened(answered ? 'recipient-answered' : 'recipient-failed');
    // Answered and gone before the answer was seen here: its hangup was skipped as an unanswered end.
    if (answered && this.recipient?.ended.aborted) this.happened('recipient-hung-up');
    void this.queue.run(() => {
      this.recipientPending = false;
      this.finishIfDone();
    });
  }

  /** Attended: the initiator leaves the held transferred party to talk with the recipient. */
  private async consult(): Promise<void> {
    // The consultation becomes the transferred party's conversation: it ends the way the origin does.
    const consultation = this.deps.registry.create({ endWhenAlone: this.origin.endsWhenAlone });
    this.resumeConsultation = consultation.suspendEndWhenAlone();
    this.consultation = consultation;
    this.initiatorConsultLeg = null;
    await consultation.start([this.recipient!]);
    await this.origin.moveTo(this.initiator.callSid, consultation);
  }

  private async bridgeTransferredWithRecipient(): Promise<void> {
    if (this.consultation && !this.consultation.isEnded) {
      // Off hold first: the channel's hold would outlive its party in the origin conversation.
      await this.origin.unhold(this.transferred.callSid);
      await this.origin.moveTo(this.transferred.callSid, this.consultation);
      return;
    }
    await this.origin.join(this.recipient!);
    await this.origin.unhold(this.transferred.callSid);
  }

  private async reunite(): Promise<void> {
    if (this.consultation && this.consultation.party(this.initiator.callSid)) {
      await this.consultation.moveTo(this.initiator.callSid, this.origin);
    }
    await this.origin.unhold(this.transferred.callSid);
  }

  private async hangUp(member: ConversationMember): Promise<void> {
    if (!member.ended.aborted) await this.deps.legs.hangUp(member.callSid);
  }

  /** A phone that REFERred hears the outcome before its leg is hung up. */
  private async reportOutcome(signal: TransferSignal): Promise<boolean> {
    const report = this.deps.reportProgress;
    if (!report || this.progressReported || this.initiator.ended.aborted || !this.isTerminal) return false;
    this.progressReported = true;
    const progress: TransferProgress =
      this.status.state === 'completed'
        ? 'answered'
        : this.status.state === 'abandoned' || signal === 'cancel'
          ? 'failed'
          : this.recipientUnreachable
            ? 'unavailable'
            : 'declined';
    await report(this.initiator, progress).catch((error: unknown) =>
      this.logger.warn(`transfer ${this.id} progress ${progress}: ${String(error)}`),
    );
    return true;
  }

  private watch(member: ConversationMember, signal: TransferSignal): void {
    const onEnded = () => {
      // An unanswered recipient's end arrives as its `answered` outcome instead.
      if (signal === 'recipient-hung-up' && !this.recipientAnswered) return;
      this.happened(signal);
    };
    if (member.ended.aborted) return onEnded();
    member.ended.addEventListener('abort', onEnded, { once: true });
    this.unwatch.push(() => member.ended.removeEventListener('abort', onEnded));
  }

  private finishIfDone(): void {
    if (this.finished || !this.isTerminal || this.recipientPending) return;
    this.finished = true;
    // Legs outlive their transfer: their signals must not keep it alive.
    for (const stop of this.unwatch.splice(0)) stop();
    this.resumeOrigin();
    this.resumeConsultation();
    for (const listener of this.finishedListeners.splice(0)) listener(this.view());
  }

  private publish(): void {
    const roles = this.roles();
    const legs: Array<[ConversationMember | null, TransferRole]> = [
      [this.initiator, 'initiator'],
      [this.initiatorConsultLeg, 'initiator'],
      [this.transferred, 'transferred'],
      [this.recipient, 'recipient'],
    ];
    for (const [member, role] of legs)
      if (member && !member.ended.aborted)
        this.deps.bus.publish(member, {
          type: `transfer.${this.status.state}`,
          transferId: this.id,
          flow: this.status.flow,
          role,
          roles,
        });
  }

  private roles(): TransferRoles {
    return {
      initiator: this.initiator.callSid,
      transferred: this.transferred.callSid,
      recipient: this.recipient?.callSid ?? null,
    };
  }
}
