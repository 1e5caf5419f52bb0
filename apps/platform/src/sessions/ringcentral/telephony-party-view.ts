import { CallDirection, CallStatus } from '../../call-control/legs/call-status';
import { legNumber, type LiveSessionLeg } from '../live-sessions';
import type { PartyEndpoint, PartyStatusCode, RcParty, RcSession } from './telephony-session-event';

/** What the facade knows of a number beyond the records: the tenant's extension it is, if any. */
export interface KnownExtension {
  sid: string;
  displayName: string;
}

/** How a leg that is over left its session, when the core told (a transfer moved it on). */
export type DepartureReason = 'BlindTransfer' | 'AttendedTransfer';

export interface PartyInput extends LiveSessionLeg {
  /** Set for a leg that left by a transfer: it is `Gone`, not `Disconnected`. */
  departure?: DepartureReason;
}

/** RingCentral's Disconnected reasons for how a call ended. */
const END_REASONS: Partial<Record<CallStatus, string>> = {
  [CallStatus.Completed]: 'CallFinished',
  [CallStatus.Busy]: 'TargetBusy',
  [CallStatus.NoAnswer]: 'NoAnswer',
  [CallStatus.Canceled]: 'Cancelled',
  [CallStatus.Failed]: 'InternalError',
};

/** A party's status: its state in the conversation while it is a party, else its call's status. */
export function partyStatus(leg: PartyInput): RcParty['status'] {
  if (leg.departure) return { code: 'Gone', reason: leg.departure };
  if (leg.party && leg.party.status !== 'left')
    return { code: leg.party.parked ? 'Parked' : leg.party.held ? 'Hold' : 'Answered' };
  const byCall: Record<CallStatus, PartyStatusCode> = {
    [CallStatus.Queued]: 'Setup',
    [CallStatus.Ringing]: 'Proceeding',
    [CallStatus.InProgress]: 'Answered',
    [CallStatus.Completed]: 'Disconnected',
    [CallStatus.Busy]: 'Disconnected',
    [CallStatus.NoAnswer]: 'Disconnected',
    [CallStatus.Canceled]: 'Disconnected',
    [CallStatus.Failed]: 'Disconnected',
  };
  const status = leg.record.status as CallStatus;
  const code = byCall[status] ?? 'Disconnected';
  if (code !== 'Disconnected') return { code };
  // A refused call whose SIP answer was a rejection, as the phone's Decline or a 603.
  const reason = leg.record.sipResponseCode === 603 ? 'Rejected' : END_REASONS[status];
  return reason ? { code, reason } : { code };
}

/**
 * A session's legs as RingCentral parties. The first leg (the one with no parent) places the call:
 * its party is Outbound, the others Inbound; every party shows the call's from (the placing number)
 * and its own to, as RingCentral does.
 */
export function toRcSession(
  session: { id: string; accountSid: string },
  legs: PartyInput[],
  extensions: ReadonlyMap<string, KnownExtension>,
): RcSession {
  const root = legs.find(({ record }) => !record.parentCallSid) ?? legs[0];
  const rootNumber = root ? legNumber(root.record) : '';
  const rootDialed = root
    ? root.record.direction === CallDirection.Inbound
      ? root.record.to
      : root.record.from
    : '';
  const endpoint = (number: string): PartyEndpoint => {
    const extension = extensions.get(number);
    return extension
      ? {
          phoneNumber: number,
          extensionNumber: number,
          extensionId: extension.sid,
          name: extension.displayName,
        }
      : { phoneNumber: number };
  };
  const created = legs.map(({ record }) => new Date(record.dateCreated).getTime()).filter(Number.isFinite);
  return {
    id: session.id,
    sessionId: session.id,
    accountId: session.accountSid,
    origin: { type: 'Call' },
    creationTime: new Date(created.length > 0 ? Math.min(...created) : Date.now()).toISOString(),
    parties: legs.map((leg) => {
      const isRoot = leg === root;
      const number = legNumber(leg.record);
      const status = partyStatus(leg);
      const direction = isRoot ? 'Outbound' : 'Inbound';
      return {
        id: leg.record.sid,
        accountId: session.accountSid,
        ...(extensions.get(number) ? { extensionId: extensions.get(number)!.sid } : {}),
        direction,
        from: endpoint(rootNumber),
        to: endpoint(isRoot ? rootDialed : number),
        status,
        missedCall: direction === 'Inbound' && status.code === 'Disconnected' && status.reason === 'NoAnswer',
        standAlone: false,
        muted: leg.party?.muted ?? false,
        ...(leg.party?.parked ? { park: { id: leg.party.parked } } : {}),
      };
    }),
  };
}
