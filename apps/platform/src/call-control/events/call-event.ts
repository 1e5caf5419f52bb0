import type { CallEntity } from '../legs/call.entity';
import { CallStatus } from '../legs/call-status';
import { isTerminal } from '../legs/call-state-machine';
import type { TransferFlow, TransferRole, TransferState } from '../conversations/transfer-state-machine';

/** Which legs play which part in a transfer, by CallSid (the recipient is known once its leg is placed). */
export interface TransferRoles {
  initiator: string;
  transferred: string;
  recipient: string | null;
}

/** The moments a leg's progress callbacks are named after (Twilio's StatusCallbackEvent values). */
export type LegProgress = 'initiated' | 'ringing' | 'answered' | 'completed';

export type LegStatusPayload = {
  type: 'leg.status';
  status: CallStatus;
  sipCode?: number;
  durationSeconds?: number;
  /** The progress moment this change is (`initiated` changes no status: the INVITE went out). */
  moment?: LegProgress;
  /** The record as stored at that moment (a copy), for listeners that report it (progress callbacks). */
  record?: Readonly<CallEntity>;
};

/** A response to the leg's INVITE short of the answer (180, 183, and on traced legs 100, 3xx, 401/407). */
export type LegSipResponsePayload = {
  type: 'leg.sip-response';
  sipCode: number;
  /** As the far end sent it, e.g. `SIP/2.0 183 Session Progress`. */
  statusLine: string;
};

export type PartyPayload =
  | { type: 'party.joined' | 'party.left' | 'party.muted' | 'party.unmuted'; conversationId: string }
  /** `by`: the platform put the party on hold (API), or the party's own phone did (re-INVITE sendonly). */
  | { type: 'party.held' | 'party.unheld'; conversationId: string; by: 'platform' | 'phone' }
  /** The party waits in its account's park orbit under `parkId` (on music), or left it (picked up). */
  | { type: 'party.parked'; conversationId: string; parkId: string }
  | { type: 'party.unparked'; conversationId: string };

export type ConversationPayload = {
  type: 'conversation.started' | 'conversation.ended';
  conversationId: string;
};

export type TransferPayload = {
  type: `transfer.${TransferState}`;
  transferId: string;
  flow: TransferFlow;
  /** The part the call this event belongs to plays in the transfer. */
  role: TransferRole;
  roles: TransferRoles;
};

export type CallEventPayload =
  LegStatusPayload | LegSipResponsePayload | PartyPayload | ConversationPayload | TransferPayload;
export type CallEventType = CallEventPayload['type'];

/** Whose stream an event belongs to. */
export interface CallEventOrigin {
  callSid: string;
  accountSid: string;
}

export type CallEvent = CallEventOrigin & {
  /** Per call, from 1, strictly increasing in publish order. */
  sequence: number;
  at: Date;
  payload: CallEventPayload;
};

/** The last event a call publishes: its leg reached a final status. */
export function isFinalEvent(payload: CallEventPayload): boolean {
  return payload.type === 'leg.status' && isTerminal(payload.status);
}
