import type { DialTarget } from '../../telephony/telephony-gateway.port';
import type { ConversationMember } from '../conversations/conversation-member';
import type { CallStatus } from '../legs/call-status';

export interface PlaceLegRequest {
  /**
   * The call the new leg is placed for (its parent: ParentCallSid, signing key, hop count); null for
   * the first leg of a call the platform sets up itself (click-to-call), an outbound-api call.
   */
  forCallSid: string | null;
  accountSid: string;
  target: DialTarget;
  callerId: string;
  /** Display name sent with the caller id (the From display name). */
  callerName?: string;
  timeoutSeconds: number;
  /** What the record's To shows (an extension number rather than its dial string). */
  to?: string;
  /** Extra SIP headers on its INVITE (auto-answer hints, identity rewrites). */
  headers?: Record<string, string>;
  /** The application's own data, stored on the call record. */
  userData?: string | null;
  /** Sent as the INVITE's SIP Subject and kept on the call record. */
  subject?: string | null;
  /** Whether a 3xx answer to the INVITE is followed; by default it ends the leg. */
  followRedirects?: boolean;
  /** Keep every response to the INVITE in the leg's status lines (401/407, 3xx), at a cost in requests. */
  traceSetupResponses?: boolean;
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
