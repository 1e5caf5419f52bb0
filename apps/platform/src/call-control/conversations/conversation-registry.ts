import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { ChannelEvent, TelephonyGateway } from '../../telephony/telephony-gateway.port';
import { CallEventBus } from '../events/call-event-bus';
import { RingingCallees } from '../legs/ringing-callee';
import { LegHangup } from '../ports/leg-hangup.port';
import { Conversation, ConversationOptions, PartyView } from './conversation';

/**
 * Every live conversation, and which one each leg is a party of (a leg is in one bridge at a time).
 * Ended conversations drop out by themselves.
 */
@Injectable()
export class ConversationRegistry {
  private readonly conversations = new Map<string, Conversation>();
  private readonly byCallSid = new Map<string, Conversation>();
  /** Callee sides still ringing for a party that waits: conversations about to be (re-targetable). */
  readonly ringing = new RingingCallees();

  constructor(
    private readonly gateway: TelephonyGateway,
    private readonly bus: CallEventBus,
    private readonly legs: LegHangup,
  ) {}

  /** A new conversation, not started yet (`start` creates its bridge). */
  create(options: ConversationOptions = {}): Conversation {
    const conversation = new Conversation(this.gateway, this.bus, this.legs, options);
    this.conversations.set(conversation.id, conversation);
    conversation.onPartyChange((callSid, present) => {
      if (present) this.byCallSid.set(callSid, conversation);
      else if (this.byCallSid.get(callSid) === conversation) this.byCallSid.delete(callSid);
    });
    conversation.onEnded(() => this.conversations.delete(conversation.id));
    return conversation;
  }

  find(conversationId: string): Conversation | undefined {
    return this.conversations.get(conversationId);
  }

  get(conversationId: string): Conversation {
    const conversation = this.find(conversationId);
    if (!conversation)
      throw new DomainError(DomainErrorCode.ConversationNotFound, `Conversation ${conversationId} not found`);
    return conversation;
  }

  conversationOf(callSid: string): Conversation | undefined {
    return this.byCallSid.get(callSid);
  }

  partyOf(callSid: string): { conversation: Conversation; party: PartyView } | undefined {
    const conversation = this.conversationOf(callSid);
    const party = conversation?.party(callSid);
    return conversation && party && { conversation, party };
  }

  /** The party whose channel this is (a REFER names the channel it replaces, not its call). */
  partyByChannel(channelId: string): { conversation: Conversation; party: PartyView } | undefined {
    for (const [callSid, conversation] of this.byCallSid) {
      const party = conversation.party(callSid);
      if (party?.channelId === channelId) return { conversation, party };
    }
    return undefined;
  }

  list(): Conversation[] {
    return [...this.conversations.values()];
  }

  /**
   * Hands a leg's channel event to the conversation it is a party of. Bridge events go to the bridge's
   * own conversation (its id is the bridge id): a channel joined elsewhere leaves the old one that way.
   */
  channelEvent(callSid: string, event: ChannelEvent): void {
    const conversation =
      event.kind === 'entered-bridge' || event.kind === 'left-bridge'
        ? this.conversations.get(event.bridgeId)
        : this.conversationOf(callSid);
    conversation?.channelEvent(callSid, event);
  }
}
