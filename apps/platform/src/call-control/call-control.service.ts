import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { DialTarget } from '../telephony/telephony-gateway.port';
import type { Conversation, PartyView } from './conversations/conversation';
import { ConversationRegistry } from './conversations/conversation-registry';
import type { TransferView } from './conversations/transfer';
import { Transfers } from './conversations/transfers';
import { LegHangup } from './ports/leg-hangup.port';

/** Whom a transfer rings, as a facade asks for it. */
export interface TransferTarget {
  target: DialTarget;
  callerId: string;
  timeoutSeconds?: number;
}

const DEFAULT_RING_SECONDS = 30;

/**
 * The call-control operations every facade calls, on legs that are parties of conversations: hold,
 * mute, transfers and hangup. RCML facades reach conversations through Dial; PBX facades through here.
 */
@Injectable()
export class CallControl {
  constructor(
    private readonly conversations: ConversationRegistry,
    private readonly transfers: Transfers,
    private readonly legs: LegHangup,
  ) {}

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
  blindTransfer(initiatorCallSid: string, transferredCallSid: string, to: TransferTarget): Promise<TransferView> {
    return this.transfers.blind({
      initiatorCallSid,
      transferredCallSid,
      recipient: { ...to, timeoutSeconds: to.timeoutSeconds ?? DEFAULT_RING_SECONDS },
    });
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

  hangup(callSid: string): Promise<void> {
    return this.legs.hangUp(callSid);
  }

  private conversationOf(callSid: string): Conversation {
    const conversation = this.conversations.conversationOf(callSid);
    if (!conversation)
      throw new DomainError(DomainErrorCode.PartyNotFound, `Call ${callSid} is not in a conversation`);
    return conversation;
  }
}
