import type { PartyView } from '../../call-control/conversations/conversation';
import type { CallEntity } from '../../call-control/legs/call.entity';
export { legNumber } from '../live-sessions';

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
  /** The party's state in the conversation (`connected`...), or the call's status while it rings. */
  status: string;
  held: boolean;
  muted: boolean;
  user_data: string | null;
}

export interface SessionDto {
  id: string;
  calls: SessionCallDto[];
}

/** A leg of a session: its record, its party once it is in the conversation, the trunk it went out on. */
export interface SessionLeg {
  record: Readonly<CallEntity>;
  party: PartyView | null;
  trunk: string | null;
}

/** A conversation (or a call-out still ringing) as a PortSIP session: one call per leg, in order. */
export function toSessionDto(id: string, legs: SessionLeg[], now = new Date()): SessionDto {
  return {
    id,
    calls: legs.map(({ party, record, trunk }) => {
      const started = record.answerTime ?? record.startTime;
      return {
        caller: record.from,
        caller_display_name: record.callerName ?? '',
        callee: record.to,
        trunk,
        started_at: started ? new Date(started).toISOString() : null,
        talking_time: record.answerTime
          ? Math.max(0, Math.floor((now.getTime() - new Date(record.answerTime).getTime()) / 1000))
          : 0,
        call_sid: record.sid,
        status: party?.status ?? record.status,
        held: party?.held ?? false,
        muted: party?.muted ?? false,
        user_data: record.userData,
      };
    }),
  };
}

/** This node's sessions, then the other nodes' (a session told twice, as when it moves, is listed once). */
export function mergeSessions(here: SessionDto[], elsewhere: SessionDto[][]): SessionDto[] {
  const seen = new Set(here.map((session) => session.id));
  const merged = [...here];
  for (const session of elsewhere.flat())
    if (!seen.has(session.id)) {
      seen.add(session.id);
      merged.push(session);
    }
  return merged;
}
