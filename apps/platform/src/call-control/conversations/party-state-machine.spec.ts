import { JOINING, nextPartyState, PartySignal, PartyState, PartyTransition } from './party-state-machine';

const connected: PartyState = { status: 'connected', held: false, muted: false };
const stateOf = (transition: PartyTransition): PartyState => {
  if (transition.refusal) throw new Error(`refused: ${transition.refusal}`);
  return transition.state;
};
const walk = (state: PartyState, ...signals: PartySignal['type'][]): PartyState =>
  signals.reduce((current, type) => stateOf(nextPartyState(current, { type } as PartySignal)), state);

describe('party state machine', () => {
  it('connects a joining party once it is in the bridge, and only once', () => {
    expect(nextPartyState(JOINING, { type: 'joined' })).toEqual({ state: connected, changed: true });
    expect(nextPartyState(connected, { type: 'joined' })).toEqual({ state: connected, changed: false });
  });

  it('holds and unholds a connected party, keeping mute apart', () => {
    expect(walk(connected, 'mute', 'hold')).toEqual({ status: 'connected', held: true, muted: true });
    expect(walk(connected, 'mute', 'hold', 'unhold')).toEqual({
      status: 'connected',
      held: false,
      muted: true,
    });
    expect(walk(connected, 'hold', 'mute', 'unmute')).toEqual({
      status: 'connected',
      held: true,
      muted: false,
    });
  });

  it('reports a repeated hold, unhold, mute or unmute as no change', () => {
    const held = walk(connected, 'hold');
    expect(nextPartyState(held, { type: 'hold' })).toEqual({ state: held, changed: false });
    expect(nextPartyState(connected, { type: 'unhold' })).toEqual({ state: connected, changed: false });
    const muted = walk(connected, 'mute');
    expect(nextPartyState(muted, { type: 'mute' })).toEqual({ state: muted, changed: false });
    expect(nextPartyState(connected, { type: 'unmute' })).toEqual({ state: connected, changed: false });
  });

  it('follows the phone’s own hold and resume, even before the party is in the bridge', () => {
    expect(walk(connected, 'phone-held')).toEqual({ status: 'connected', held: true, muted: false });
    expect(walk(connected, 'phone-held', 'phone-unheld')).toEqual(connected);
    expect(walk(JOINING, 'phone-held')).toEqual({ status: 'joining', held: true, muted: false });
  });

  it.each(['hold', 'unhold', 'mute', 'unmute'] as const)(
    'refuses %s before the party is in the bridge',
    (type) => {
      expect(nextPartyState(JOINING, { type })).toEqual({ refusal: 'party-not-connected' });
    },
  );

  it('clears hold and mute when the party leaves', () => {
    expect(walk(connected, 'hold', 'mute', 'left')).toEqual({ status: 'left', held: false, muted: false });
    expect(walk(JOINING, 'left')).toEqual({ status: 'left', held: false, muted: false });
  });

  it.each(['joined', 'left', 'hold', 'unhold', 'mute', 'unmute', 'phone-held', 'phone-unheld'] as const)(
    'refuses %s once the party has left',
    (type) => {
      expect(nextPartyState(walk(connected, 'left'), { type })).toEqual({ refusal: 'party-left' });
    },
  );

  it('parks a connected party on hold under its park id, and takes it back out only by unpark', () => {
    const parked = stateOf(nextPartyState(connected, { type: 'park', parkId: '801' }));
    expect(parked).toEqual({ status: 'connected', held: true, muted: false, parked: '801' });
    expect(nextPartyState(parked, { type: 'park', parkId: '802' })).toEqual({ refusal: 'party-parked' });
    expect(nextPartyState(parked, { type: 'unhold' })).toEqual({ refusal: 'party-parked' });
    expect(nextPartyState(parked, { type: 'hold' })).toEqual({ refusal: 'party-parked' });
    expect(stateOf(nextPartyState(parked, { type: 'mute' }))).toMatchObject({ muted: true, parked: '801' });
    expect(nextPartyState(parked, { type: 'unpark' })).toStrictEqual({ state: connected, changed: true });
    expect(nextPartyState(connected, { type: 'unpark' })).toEqual({ state: connected, changed: false });
    expect(nextPartyState(JOINING, { type: 'park', parkId: '801' })).toEqual({
      refusal: 'party-not-connected',
    });
  });

  it('forgets the park when the parked party leaves', () => {
    const parked = stateOf(nextPartyState(connected, { type: 'park', parkId: '801' }));
    expect(nextPartyState(parked, { type: 'left' })).toStrictEqual({
      state: { status: 'left', held: false, muted: false },
      changed: true,
    });
  });
});
