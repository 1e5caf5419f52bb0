/**
 * A party is a leg's place in a conversation. `joining`: the bridge was asked to take the channel;
 * `connected`: it is in the bridge; `left`: it is out for good (a leg that comes back is a new party).
 * `held` and `muted` are kept here because Asterisk reports neither for the platform's own requests.
 * `muted` means the party's audio into the conversation is cut (the others do not hear it).
 * `parked`: the party waits in its account's park orbit under that park id (held, until picked up).
 */
export type PartyStatus = 'joining' | 'connected' | 'left';

export interface PartyState {
  status: PartyStatus;
  held: boolean;
  muted: boolean;
  parked?: string;
}

export type PartySignal =
  | { type: 'joined' }
  | { type: 'left' }
  /** The platform's requests (API). */
  | { type: 'hold' }
  | { type: 'unhold' }
  | { type: 'mute' }
  | { type: 'unmute' }
  /** Parked: held on music until someone picks it up; hold and unhold do not apply meanwhile. */
  | { type: 'park'; parkId: string }
  | { type: 'unpark' }
  /** The party's phone held or resumed by itself (a re-INVITE sendonly / sendrecv). */
  | { type: 'phone-held' }
  | { type: 'phone-unheld' };

/** Why a signal does not apply: the party is gone, or not in the bridge yet. */
export type PartyRefusal = 'party-left' | 'party-not-connected' | 'party-parked';

export type PartyTransition =
  /** `changed` false: the party already was so (a repeated hold, a second entered-bridge): nothing to do. */
  { state: PartyState; changed: boolean; refusal?: undefined } | { refusal: PartyRefusal };

export const JOINING: PartyState = { status: 'joining', held: false, muted: false };

const unchanged = (state: PartyState): PartyTransition => ({ state, changed: false });
const to = (state: PartyState, patch: Partial<PartyState>): PartyTransition => ({
  state: { ...state, ...patch },
  changed: true,
});
const flag = (state: PartyState, key: 'held' | 'muted', value: boolean): PartyTransition =>
  state[key] === value ? unchanged(state) : to(state, { [key]: value });
const unparked = ({ parked: _parked, ...state }: PartyState): PartyState => state;

/** The one place party state changes. Pure: the conversation acts on the result. */
export function nextPartyState(state: PartyState, signal: PartySignal): PartyTransition {
  if (state.status === 'left') return { refusal: 'party-left' };
  switch (signal.type) {
    case 'joined':
      return state.status === 'connected' ? unchanged(state) : to(state, { status: 'connected' });
    case 'left':
      return to(unparked(state), { status: 'left', held: false, muted: false });
    case 'phone-held':
      return flag(state, 'held', true);
    case 'phone-unheld':
      return flag(state, 'held', false);
  }
  // The platform acts on a party only once it is in the bridge: before that there is no audio to cut.
  if (state.status !== 'connected') return { refusal: 'party-not-connected' };
  switch (signal.type) {
    case 'park':
      if (state.parked !== undefined) return { refusal: 'party-parked' };
      return to(state, { held: true, parked: signal.parkId });
    case 'unpark':
      return state.parked === undefined ? unchanged(state) : to(unparked(state), { held: false });
  }
  // A parked party is the orbit's: it leaves the orbit by `unpark`, not by an unhold.
  if (state.parked !== undefined && (signal.type === 'hold' || signal.type === 'unhold'))
    return { refusal: 'party-parked' };
  switch (signal.type) {
    case 'hold':
      return flag(state, 'held', true);
    case 'unhold':
      return flag(state, 'held', false);
    case 'mute':
      return flag(state, 'muted', true);
    case 'unmute':
      return flag(state, 'muted', false);
  }
}
