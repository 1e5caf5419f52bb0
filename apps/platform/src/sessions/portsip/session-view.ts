import type { PartyView } from '../../call-control/conversations/conversation';
import type { CallEntity } from '../../call-control/legs/call.entity';

/** One leg of a session, in PortSIP's fields, with the party state the core keeps beside them. */
export interface SessionCallDto {
  caller: string;
  caller_display_name: string;
  callee: string;
  trunk: string | null;
  started_at: string | null;
  /** Seconds since the leg was answered (0 while it rings). */
  talking_time: number;
  call_sid: string;
  status: string;
  held: boolean;
  muted: boolean;
}

export interface SessionDto {
  id: string;
  calls: SessionCallDto[];
}

/** A conversation as a PortSIP session: one call per party, in the order they joined. */
export function toSessionDto(
  conversationId: string,
  parties: Array<{ party: PartyView; record: Readonly<CallEntity> }>,
  now = new Date(),
): SessionDto {
  return {
    id: conversationId,
    calls: parties.map(({ party, record }) => {
      const started = record.answerTime ?? record.startTime;
      return {
        caller: record.from,
        caller_display_name: record.callerName ?? '',
        callee: record.to,
        trunk: null,
        started_at: started ? new Date(started).toISOString() : null,
        talking_time: record.answerTime
          ? Math.max(0, Math.floor((now.getTime() - new Date(record.answerTime).getTime()) / 1000))
          : 0,
        call_sid: record.sid,
        status: party.status,
        held: party.held,
        muted: party.muted,
      };
    }),
  };
}
