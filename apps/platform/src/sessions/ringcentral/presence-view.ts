import type { PartyStatusCode, RcParty } from './telephony-session-event';

export type TelephonyStatus = 'NoCall' | 'Ringing' | 'CallConnected' | 'OnHold' | 'ParkedCall';

export const TELEPHONY_STATUS: Partial<Record<PartyStatusCode, TelephonyStatus>> = {
  Setup: 'Ringing',
  Proceeding: 'Ringing',
  Answered: 'CallConnected',
  Hold: 'OnHold',
  Parked: 'ParkedCall',
};

export type ActiveCall = ReturnType<typeof activeCall>;

/** What another node answers for the same presence request. */
export interface PresenceAnswer {
  telephonyStatus?: TelephonyStatus;
  activeCalls?: ActiveCall[];
}

export function activeCall(sessionId: string, party: RcParty, telephonyStatus: TelephonyStatus) {
  return {
    id: party.id,
    direction: party.direction,
    from: party.from.phoneNumber,
    to: party.to.phoneNumber,
    telephonyStatus,
    sessionId,
    telephonySessionId: sessionId,
    partyId: party.id,
  };
}

/** One status for the extension: a call connected outweighs one on hold, which outweighs ringing. */
export function summary(statuses: TelephonyStatus[]): TelephonyStatus {
  for (const status of ['CallConnected', 'OnHold', 'ParkedCall', 'Ringing'] as const)
    if (statuses.includes(status)) return status;
  return 'NoCall';
}

/**
 * The extension's status and active calls over every node: its calls here, then what the other nodes
 * told (each answers for the calls of the servers it holds).
 */
export function acrossNodes(
  here: Array<{ status: TelephonyStatus; call: ActiveCall }>,
  elsewhere: PresenceAnswer[],
): { telephonyStatus: TelephonyStatus; activeCalls: ActiveCall[] } {
  return {
    telephonyStatus: summary([
      ...here.map((call) => call.status),
      ...elsewhere.flatMap((answer) => answer.telephonyStatus ?? []),
    ]),
    activeCalls: [
      ...here.map((call) => call.call),
      ...elsewhere.flatMap((answer) => answer.activeCalls ?? []),
    ],
  };
}
