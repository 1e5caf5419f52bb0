/**
 * Transfers, after wazo-calld's model (roles initiator / transferred / recipient; states ready → ringing →
 * answered → completed | canceled | abandoned). Pure: the next state and the effects the orchestrator
 * (transfers.ts) carries out, in order.
 *
 * Blind: the transferred party waits on hold while the recipient rings; the initiator stays until the
 * outcome (a phone that REFERred must hear how it went) or hangs up meanwhile; the recipient's answer
 * completes it. If the recipient fails, the transferred party is taken off hold and is back with the
 * initiator, or, when the initiator is already gone, hung up: nobody is left to talk to.
 * Attended: the initiator consults the recipient while the transferred party waits on hold; `complete`
 * (or the initiator hanging up) joins the transferred party to the recipient. Completing while the
 * recipient still rings turns the transfer blind. A transfer between two established conversations
 * starts in `answered`.
 */
export type TransferFlow = 'blind' | 'attended';
export type TransferState = 'ready' | 'ringing' | 'answered' | 'completed' | 'canceled' | 'abandoned';
export type TransferRole = 'initiator' | 'transferred' | 'recipient';

export interface TransferStatus {
  state: TransferState;
  flow: TransferFlow;
  /** The initiator hung up, or was hung up on completion of a blind transfer. */
  initiatorGone: boolean;
}

export type TransferSignal =
  | 'start'
  | 'recipient-answered'
  /** The recipient's leg ended unanswered (busy, no answer, failed). */
  | 'recipient-failed'
  | 'recipient-hung-up'
  | 'complete'
  | 'cancel'
  | 'initiator-hung-up'
  | 'transferred-hung-up';

export type TransferEffect =
  | 'hold-transferred'
  | 'place-recipient'
  /** Attended: the initiator leaves the transferred party's conversation to talk with the recipient. */
  | 'bridge-initiator-with-recipient'
  /** The transferred party (taken off hold) and the recipient end up in one conversation. */
  | 'bridge-transferred-with-recipient'
  | 'hang-up-initiator'
  | 'hang-up-recipient'
  | 'hang-up-transferred'
  /** Cancel: the initiator and the transferred party talk again. */
  | 'reunite-initiator-with-transferred';

export interface TransferTransition {
  status: TransferStatus;
  effects: TransferEffect[];
}

export const TERMINAL_TRANSFER_STATES: ReadonlySet<TransferState> = new Set([
  'completed',
  'canceled',
  'abandoned',
]);

export function readyTransfer(flow: TransferFlow): TransferStatus {
  return { state: 'ready', flow, initiatorGone: false };
}

/** An attended transfer between two conversations the initiator already has: nothing to ring. */
export function answeredTransfer(): TransferStatus {
  return { state: 'answered', flow: 'attended', initiatorGone: false };
}

const go = (status: TransferStatus, patch: Partial<TransferStatus>, effects: TransferEffect[] = []) => ({
  status: { ...status, ...patch },
  effects,
});

/** Back with the initiator, or hung up when the initiator is gone. */
const restoreTransferred = (status: TransferStatus): TransferEffect[] =>
  status.initiatorGone ? ['hang-up-transferred'] : ['reunite-initiator-with-transferred'];

/** The recipient is lost, or the initiator gives up: the transferred party is restored. */
function canceled(status: TransferStatus, signal: TransferSignal): TransferTransition | null {
  if (signal === 'cancel')
    return go(status, { state: 'canceled' }, ['hang-up-recipient', ...restoreTransferred(status)]);
  if (signal === 'recipient-failed' || signal === 'recipient-hung-up')
    return go(status, { state: 'canceled' }, restoreTransferred(status));
  return null;
}

/** Null: the signal does not apply in this state (an API caller maps it to InvalidTransferState). */
export function nextTransferState(status: TransferStatus, signal: TransferSignal): TransferTransition | null {
  switch (status.state) {
    case 'ready':
      return fromReady(status, signal);
    case 'ringing':
      return status.flow === 'blind' ? fromBlindRinging(status, signal) : fromAttendedRinging(status, signal);
    case 'answered':
      return fromAnswered(status, signal);
    case 'abandoned':
      // wazo: a recipient who answers after the transferred party hung up still gets the initiator.
      if (signal === 'recipient-answered' && !status.initiatorGone)
        return go(status, {}, ['bridge-initiator-with-recipient']);
      return null;
    default:
      return null;
  }
}

function fromReady(status: TransferStatus, signal: TransferSignal): TransferTransition | null {
  switch (signal) {
    case 'start':
      return go(status, { state: 'ringing' }, ['hold-transferred', 'place-recipient']);
    case 'cancel':
      return go(status, { state: 'canceled' });
    case 'initiator-hung-up':
    case 'transferred-hung-up':
      return go(status, { state: 'abandoned', initiatorGone: signal === 'initiator-hung-up' });
    default:
      return null;
  }
}

function fromBlindRinging(status: TransferStatus, signal: TransferSignal): TransferTransition | null {
  switch (signal) {
    case 'recipient-answered':
      // The recipient joins before the initiator goes, so the transferred party is never alone.
      return go(status, { state: 'completed', initiatorGone: true }, [
        'bridge-transferred-with-recipient',
        ...(status.initiatorGone ? [] : (['hang-up-initiator'] as const)),
      ]);
    case 'complete':
      return status.initiatorGone ? null : go(status, { initiatorGone: true }, ['hang-up-initiator']);
    case 'initiator-hung-up':
      return go(status, { initiatorGone: true });
    case 'transferred-hung-up':
      return go(status, { state: 'abandoned' }, ['hang-up-recipient']);
    default:
      return canceled(status, signal);
  }
}

function fromAttendedRinging(status: TransferStatus, signal: TransferSignal): TransferTransition | null {
  switch (signal) {
    case 'recipient-answered':
      return go(status, { state: 'answered' }, ['bridge-initiator-with-recipient']);
    case 'complete':
      return go(status, { flow: 'blind', initiatorGone: true }, ['hang-up-initiator']);
    case 'initiator-hung-up':
      return go(status, { flow: 'blind', initiatorGone: true });
    case 'transferred-hung-up':
      return go(status, { state: 'abandoned' });
    default:
      return canceled(status, signal);
  }
}

function fromAnswered(status: TransferStatus, signal: TransferSignal): TransferTransition | null {
  switch (signal) {
    case 'complete':
      // The transferred party moves before the initiator hangs up (no moment with a lone channel).
      return go(status, { state: 'completed', initiatorGone: true }, [
        'bridge-transferred-with-recipient',
        'hang-up-initiator',
      ]);
    case 'initiator-hung-up':
      return go(status, { state: 'completed', initiatorGone: true }, ['bridge-transferred-with-recipient']);
    case 'transferred-hung-up':
      // The initiator and the recipient simply go on talking.
      return go(status, { state: 'abandoned' });
    case 'recipient-failed':
      return null;
    default:
      return canceled(status, signal);
  }
}
