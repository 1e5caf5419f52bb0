import type { PartyView } from '../../call-control/conversations/conversation';
import type { CallEntity } from '../../call-control/legs/call.entity';

/** A live call as the console lists it (no URLs of the account's app: they may carry credentials). */
export interface LiveCallDto {
  sid: string;
  parentCallSid: string | null;
  direction: string;
  from: string;
  to: string;
  status: string;
  startTime: string | null;
  answerTime: string | null;
  dateCreated: string;
  sipCallId: string | null;
  conversationId: string | null;
  held: boolean;
  muted: boolean;
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

export function toLiveCall(
  record: Readonly<CallEntity>,
  party: { conversationId: string; party: PartyView } | undefined,
): LiveCallDto {
  return {
    sid: record.sid,
    parentCallSid: record.parentCallSid,
    direction: record.direction,
    from: record.from,
    to: record.to,
    status: record.status,
    startTime: iso(record.startTime),
    answerTime: iso(record.answerTime),
    dateCreated: iso(record.dateCreated) ?? new Date().toISOString(),
    sipCallId: record.sipCallId,
    conversationId: party?.conversationId ?? null,
    held: party?.party.held ?? false,
    muted: party?.party.muted ?? false,
  };
}
