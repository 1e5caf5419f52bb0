import {
  answeredTransfer,
  nextTransferState,
  readyTransfer,
  TransferSignal,
  TransferStatus,
  TransferTransition,
} from './transfer-state-machine';

const applied = (transition: TransferTransition | null): TransferTransition => {
  if (!transition) throw new Error('signal refused');
  return transition;
};
/** Runs the signals in order; returns the last transition. */
const run = (status: TransferStatus, ...signals: TransferSignal[]): TransferTransition => {
  let transition: TransferTransition = { status, effects: [] };
  for (const signal of signals) transition = applied(nextTransferState(transition.status, signal));
  return transition;
};
const blindRinging = run(readyTransfer('blind'), 'start').status;
const attendedRinging = run(readyTransfer('attended'), 'start').status;

describe('transfer state machine', () => {
  it('starts by holding the transferred party and placing the recipient', () => {
    for (const flow of ['blind', 'attended'] as const)
      expect(run(readyTransfer(flow), 'start')).toEqual({
        status: { state: 'ringing', flow, initiatorGone: false },
        effects: ['hold-transferred', 'place-recipient'],
      });
  });

  describe('blind', () => {
    it('completes on answer: the recipient joins first, then the initiator is hung up', () => {
      expect(run(blindRinging, 'recipient-answered')).toEqual({
        status: { state: 'completed', flow: 'blind', initiatorGone: true },
        effects: ['bridge-transferred-with-recipient', 'hang-up-initiator'],
      });
    });

    it('on recipient failure puts the transferred party back with the initiator', () => {
      for (const signal of ['recipient-failed', 'recipient-hung-up'] as const)
        expect(run(blindRinging, signal)).toEqual({
          status: { state: 'canceled', flow: 'blind', initiatorGone: false },
          effects: ['reunite-initiator-with-transferred'],
        });
    });

    it('hangs up the transferred party when the recipient fails after the initiator left', () => {
      const transition = run(blindRinging, 'initiator-hung-up', 'recipient-failed');
      expect(transition.status.state).toBe('canceled');
      expect(transition.effects).toEqual(['hang-up-transferred']);
    });

    it('goes on ringing when the initiator hangs up, and completes without hanging it up again', () => {
      expect(run(blindRinging, 'initiator-hung-up')).toEqual({
        status: { state: 'ringing', flow: 'blind', initiatorGone: true },
        effects: [],
      });
      expect(run(blindRinging, 'initiator-hung-up', 'recipient-answered').effects).toEqual([
        'bridge-transferred-with-recipient',
      ]);
    });

    it('drops the initiator at once on complete while ringing, and refuses a second complete', () => {
      expect(run(blindRinging, 'complete').effects).toEqual(['hang-up-initiator']);
      expect(nextTransferState(run(blindRinging, 'complete').status, 'complete')).toBeNull();
    });

    it('cancel hangs up the recipient and reunites', () => {
      expect(run(blindRinging, 'cancel').effects).toEqual([
        'hang-up-recipient',
        'reunite-initiator-with-transferred',
      ]);
    });

    it('is abandoned when the transferred party hangs up: the recipient is hung up', () => {
      expect(run(blindRinging, 'transferred-hung-up')).toEqual({
        status: { state: 'abandoned', flow: 'blind', initiatorGone: false },
        effects: ['hang-up-recipient'],
      });
    });
  });

  describe('attended', () => {
    it('on answer moves the initiator to the recipient, then completes by moving the transferred party', () => {
      const answered = run(attendedRinging, 'recipient-answered');
      expect(answered).toEqual({
        status: { state: 'answered', flow: 'attended', initiatorGone: false },
        effects: ['bridge-initiator-with-recipient'],
      });
      expect(run(answered.status, 'complete')).toEqual({
        status: { state: 'completed', flow: 'attended', initiatorGone: true },
        effects: ['bridge-transferred-with-recipient', 'hang-up-initiator'],
      });
    });

    it('completes when the initiator hangs up after the recipient answered', () => {
      expect(run(answeredTransfer(), 'initiator-hung-up')).toEqual({
        status: { state: 'completed', flow: 'attended', initiatorGone: true },
        effects: ['bridge-transferred-with-recipient'],
      });
    });

    it('becomes blind when completed, or the initiator hangs up, while the recipient rings', () => {
      expect(run(attendedRinging, 'complete')).toEqual({
        status: { state: 'ringing', flow: 'blind', initiatorGone: true },
        effects: ['hang-up-initiator'],
      });
      expect(run(attendedRinging, 'initiator-hung-up').status).toEqual({
        state: 'ringing',
        flow: 'blind',
        initiatorGone: true,
      });
      expect(run(attendedRinging, 'complete', 'recipient-answered').status.state).toBe('completed');
    });

    it('is canceled when the recipient fails or hangs up, the transferred party back with the initiator', () => {
      expect(run(attendedRinging, 'recipient-failed').effects).toEqual([
        'reunite-initiator-with-transferred',
      ]);
      expect(run(answeredTransfer(), 'recipient-hung-up')).toEqual({
        status: { state: 'canceled', flow: 'attended', initiatorGone: false },
        effects: ['reunite-initiator-with-transferred'],
      });
      expect(run(answeredTransfer(), 'cancel').effects).toEqual([
        'hang-up-recipient',
        'reunite-initiator-with-transferred',
      ]);
    });

    it('is abandoned when the transferred party hangs up; the initiator keeps the recipient', () => {
      expect(run(answeredTransfer(), 'transferred-hung-up')).toEqual({
        status: { state: 'abandoned', flow: 'attended', initiatorGone: false },
        effects: [],
      });
      const abandoned = run(attendedRinging, 'transferred-hung-up').status;
      expect(run(abandoned, 'recipient-answered').effects).toEqual(['bridge-initiator-with-recipient']);
      expect(nextTransferState(abandoned, 'recipient-failed')).toBeNull();
    });
  });

  it('refuses signals that do not apply', () => {
    expect(nextTransferState(readyTransfer('blind'), 'complete')).toBeNull();
    expect(nextTransferState(readyTransfer('blind'), 'recipient-answered')).toBeNull();
    expect(nextTransferState(attendedRinging, 'start')).toBeNull();
    expect(nextTransferState(answeredTransfer(), 'recipient-answered')).toBeNull();
    expect(nextTransferState(answeredTransfer(), 'recipient-failed')).toBeNull();
    for (const state of ['completed', 'canceled'] as const)
      for (const signal of [
        'start',
        'complete',
        'cancel',
        'recipient-answered',
        'initiator-hung-up',
      ] as const)
        expect(nextTransferState({ state, flow: 'attended', initiatorGone: false }, signal)).toBeNull();
  });

  it('ends a transfer that never started when a party hangs up or it is canceled', () => {
    expect(run(readyTransfer('attended'), 'cancel').status.state).toBe('canceled');
    expect(run(readyTransfer('attended'), 'transferred-hung-up').status.state).toBe('abandoned');
    expect(run(readyTransfer('attended'), 'initiator-hung-up').status).toEqual({
      state: 'abandoned',
      flow: 'attended',
      initiatorGone: true,
    });
  });
});
