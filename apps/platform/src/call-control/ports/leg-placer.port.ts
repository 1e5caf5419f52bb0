import type { DialTarget } from '../../telephony/telephony-gateway.port';
import type { ConversationMember } from '../conversations/conversation-member';
import type { CallStatus } from '../legs/call-status';

export interface PlaceLegRequest {
  /** The call the new leg is placed for (its parent: ParentCallSid, caller-id defaults, account limits). */
  forCallSid: string;
  accountSid: string;
  target: DialTarget;
  callerId: string;
  timeoutSeconds: number;
}

export interface PlacedLeg {
  /** The new leg, dialling: it can be joined to a conversation once answered. */
  member: ConversationMember;
  /** True once the far end answers; false when the leg ends unanswered (busy, no answer, failed, canceled). */
  answered: Promise<boolean>;
  /** The leg's status now: once `answered` resolved false, why (busy, no-answer, failed, canceled). */
  status?: () => CallStatus;
}

/** Places outbound legs with real call records (the lead's CallLeg implements it). */
export abstract class LegPlacer {
  /** Rejects when the leg cannot even be created (limits, Asterisk down). */
  abstract placeLeg(request: PlaceLegRequest): Promise<PlacedLeg>;
}
