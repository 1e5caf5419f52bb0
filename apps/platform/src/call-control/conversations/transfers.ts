import { Injectable, Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { ChannelEvent, PhoneTransferRequest, TelephonyGateway } from '../../telephony/telephony-gateway.port';
import { CallEventBus } from '../events/call-event-bus';
import { LegHangup } from '../ports/leg-hangup.port';
import { LegPlacer } from '../ports/leg-placer.port';
import { TransferTargetResolver } from '../ports/transfer-target.port';
import type { Conversation } from './conversation';
import type { ConversationMember } from './conversation-member';
import { ConversationRegistry } from './conversation-registry';
import { RecipientRequest, Transfer, TransferDependencies, TransferView } from './transfer';
import { answeredTransfer, readyTransfer, TransferFlow } from './transfer-state-machine';

export interface TransferRequest {
  /** The leg that asks for the transfer and drops out of it. */
  initiatorCallSid: string;
  /** The leg that is transferred: a party of the initiator's conversation. */
  transferredCallSid: string;
  recipient: RecipientRequest;
  /** True: the transferred party's phone is told it is held (sendonly); false: it hears music on hold. */
  sipVisibleHold?: boolean;
}

/** Attended transfer between two conversations the initiator already has (PortSIP attended refer, REFER+Replaces). */
export interface MergeRequest {
  initiatorCallSid: string;
  transferredCallSid: string;
  /** The initiator's other leg, in the recipient's conversation. */
  consultationCallSid: string;
  recipientCallSid: string;
}

/**
 * Blind and attended transfers on conversations, by API or by a phone's REFER. A leg takes part in one
 * transfer at a time; finished transfers are forgotten.
 */
@Injectable()
export class Transfers {
  private readonly logger = new Logger(Transfers.name);
  private readonly transfers = new Map<string, Transfer>();
  private readonly finished = new Map<string, Promise<TransferView>>();

  constructor(
    private readonly gateway: TelephonyGateway,
    private readonly bus: CallEventBus,
    private readonly registry: ConversationRegistry,
    private readonly placer: LegPlacer,
    private readonly legs: LegHangup,
    private readonly targets: TransferTargetResolver,
  ) {}

  /** Rings the recipient while the transferred party waits on hold; resolves once ringing. */
  blind(request: TransferRequest): Promise<TransferView> {
    return this.startPlaced('blind', request);
  }

  /** Rings the recipient; once answered the initiator talks with it, then `complete` or `cancel`. */
  attended(request: TransferRequest): Promise<TransferView> {
    return this.startPlaced('attended', request);
  }

  /** Joins the transferred party to the recipient and hangs up both of the initiator's legs. */
  async merge(
    request: MergeRequest,
    dependencies: Partial<TransferDependencies> = {},
  ): Promise<TransferView> {
    const origin = this.conversationWith(request.initiatorCallSid, request.transferredCallSid);
    const consultation = this.conversationWith(request.consultationCallSid, request.recipientCallSid);
    if (consultation === origin)
      throw new DomainError(
        DomainErrorCode.InvalidParameter,
        'Both legs of the initiator are in one conversation',
      );
    const transfer = this.track(
      new Transfer(this.dependencies(dependencies), {
        status: answeredTransfer(),
        initiator: origin.member(request.initiatorCallSid)!,
        transferred: origin.member(request.transferredCallSid)!,
        origin,
        consultation: {
          conversation: consultation,
          initiatorLeg: consultation.member(request.consultationCallSid)!,
          recipient: consultation.member(request.recipientCallSid)!,
        },
        sipVisibleHold: false,
      }),
      [
        request.initiatorCallSid,
        request.transferredCallSid,
        request.consultationCallSid,
        request.recipientCallSid,
      ],
    );
    return transfer.request('complete');
  }

  async complete(transferId: string): Promise<TransferView> {
    return this.transfer(transferId).request('complete');
  }

  async cancel(transferId: string): Promise<TransferView> {
    return this.transfer(transferId).request('cancel');
  }

  get(transferId: string): TransferView {
    return this.transfer(transferId).view();
  }

  /** The live transfer a leg takes part in. */
  transferOf(callSid: string): TransferView | undefined {
    for (const transfer of this.transfers.values()) if (transfer.involves(callSid)) return transfer.view();
    return undefined;
  }

  /** Resolves with the final view once the transfer is over (and nothing of it is pending). */
  outcome(transferId: string): Promise<TransferView> {
    const finished = this.finished.get(transferId);
    if (!finished)
      throw new DomainError(DomainErrorCode.TransferNotFound, `Transfer ${transferId} not found`);
    return finished;
  }

  /**
   * Every channel event of a leg (routed by the leg's owner): a phone's REFER starts a transfer, and
   * the event goes on to the leg's conversation.
   */
  channelEvent(callSid: string, event: ChannelEvent): void {
    if (event.kind === 'transfer-requested')
      void this.phoneTransfer(callSid, event.transfer).catch((error: unknown) =>
        this.logger.warn(`REFER from ${callSid}: ${String(error)}`),
      );
    this.registry.channelEvent(callSid, event);
  }

  private async phoneTransfer(callSid: string, request: PhoneTransferRequest): Promise<void> {
    const located = this.registry.partyOf(callSid);
    const initiator = located?.conversation.member(callSid);
    const others = located?.conversation.partyList().filter((party) => party.callSid !== callSid) ?? [];
    const report = { reportProgress: this.reporter() };
    const refuse = async (progress: 'failed' | 'unavailable') => {
      if (initiator) await this.gateway.reportTransferProgress(initiator.channelId, progress);
    };
    if (!located || others.length !== 1 || this.transferOf(callSid)) return refuse('failed');
    const transferredCallSid = others[0].callSid;
    if (request.mode === 'blind') {
      const recipient = await this.targets.resolve({
        accountSid: initiator!.accountSid,
        initiatorCallSid: callSid,
        destination: request.target,
      });
      if (!recipient) return refuse('unavailable');
      await this.startPlaced('blind', { initiatorCallSid: callSid, transferredCallSid, recipient }, report);
      return;
    }
    const replaced = request.replacesChannelId
      ? this.registry.partyByChannel(request.replacesChannelId)
      : undefined;
    const recipients = replaced?.conversation
      .partyList()
      .filter((party) => party.callSid !== replaced.party.callSid);
    if (!replaced || recipients?.length !== 1) return refuse('failed');
    await this.merge(
      {
        initiatorCallSid: callSid,
        transferredCallSid,
        consultationCallSid: replaced.party.callSid,
        recipientCallSid: recipients[0].callSid,
      },
      report,
    );
  }

  private async startPlaced(
    flow: TransferFlow,
    request: TransferRequest,
    dependencies: Partial<TransferDependencies> = {},
  ): Promise<TransferView> {
    const origin = this.conversationWith(request.initiatorCallSid, request.transferredCallSid);
    const transfer = this.track(
      new Transfer(this.dependencies(dependencies), {
        status: readyTransfer(flow),
        initiator: origin.member(request.initiatorCallSid)!,
        transferred: origin.member(request.transferredCallSid)!,
        origin,
        recipientRequest: request.recipient,
        sipVisibleHold: request.sipVisibleHold ?? false,
      }),
      [request.initiatorCallSid, request.transferredCallSid],
    );
    return transfer.request('start');
  }

  /** The conversation both legs are parties of; refused when they are not, or one is already transferring. */
  private conversationWith(first: string, second: string): Conversation {
    if (first === second)
      throw new DomainError(
        DomainErrorCode.InvalidParameter,
        `Call ${first} cannot be transferred to itself`,
      );
    const conversation = this.registry.conversationOf(first);
    if (!conversation || !conversation.party(second))
      throw new DomainError(
        DomainErrorCode.PartyNotFound,
        `Calls ${first} and ${second} are not in one conversation`,
      );
    return conversation;
  }

  private track(transfer: Transfer, callSids: string[]): Transfer {
    const busy = callSids.find((callSid) => this.transferOf(callSid));
    if (busy)
      throw new DomainError(DomainErrorCode.InvalidTransferState, `Call ${busy} is already in a transfer`);
    this.transfers.set(transfer.id, transfer);
    this.finished.set(
      transfer.id,
      new Promise((resolve) =>
        transfer.onFinished((view) => {
          this.transfers.delete(transfer.id);
          this.finished.delete(transfer.id);
          resolve(view);
        }),
      ),
    );
    return transfer;
  }

  private transfer(transferId: string): Transfer {
    const transfer = this.transfers.get(transferId);
    if (!transfer)
      throw new DomainError(DomainErrorCode.TransferNotFound, `Transfer ${transferId} not found`);
    return transfer;
  }

  private dependencies(overrides: Partial<TransferDependencies>): TransferDependencies {
    return { bus: this.bus, registry: this.registry, placer: this.placer, legs: this.legs, ...overrides };
  }

  private reporter(): TransferDependencies['reportProgress'] {
    return (initiator: ConversationMember, progress) =>
      this.gateway.reportTransferProgress(initiator.channelId, progress);
  }
}
