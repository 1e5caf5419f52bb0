/**
 * RingCentral's telephony session shapes (REST answers and notification bodies) and the stream of
 * session events the facade produces from the core's events; subscriptions deliver that stream.
 */

export type PartyStatusCode =
  'Setup' | 'Proceeding' | 'Answered' | 'Hold' | 'Parked' | 'Disconnected' | 'Gone' | 'VoiceMail';

export interface PartyEndpoint {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
}

export interface RcParty {
  /** The leg's CallSid. */
  id: string;
  accountId: string;
  /** The extension (EX sid) this party is, when it is one. */
  extensionId?: string;
  direction: 'Inbound' | 'Outbound';
  to: PartyEndpoint;
  from: PartyEndpoint;
  status: {
    code: PartyStatusCode;
    reason?: string;
    description?: string;
    peerId?: { sessionId: string; telephonySessionId: string; partyId: string };
  };
  missedCall: boolean;
  standAlone: boolean;
  muted: boolean;
  /** While the party is parked: its park id in the account's orbit (what a pickup names). */
  park?: { id: string };
}

export interface RcSession {
  id: string;
  /** RingCentral's numeric-looking session id; here the same as `id`. */
  sessionId: string;
  accountId: string;
  origin: { type: 'Call' | 'RingOut' | 'Conference' };
  creationTime: string;
  parties: RcParty[];
}

/** The body of one telephony session notification. */
export interface TelephonySessionEventBody {
  /** Per session, from 1, no gaps. */
  sequence: number;
  sessionId: string;
  telephonySessionId: string;
  serverId: string;
  eventTime: string;
  accountId: string;
  origin: RcSession['origin'];
  parties: RcParty[];
}

/** One session event: whom it concerns (for the event filters) and its body. */
export interface TelephonySessionEvent {
  accountSid: string;
  /** Extensions (EX sids) with a party in the session: an extension-level filter matches these. */
  extensionSids: string[];
  body: TelephonySessionEventBody;
}

export type TelephonySessionListener = (event: TelephonySessionEvent) => void;

/** The stream of session events, each session's in `sequence` order. */
export abstract class TelephonySessionEvents {
  /** Returns the unsubscribe function. */
  abstract subscribe(listener: TelephonySessionListener): () => void;
}
