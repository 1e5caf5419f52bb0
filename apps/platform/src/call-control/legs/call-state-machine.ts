import { CallStatus } from './call-status';

export type CallSignal =
  | { type: 'ringing' }
  | { type: 'answered' }
  /** The leg ended. `by` tells who ended it; `sipCode` is the final SIP response of an unanswered INVITE. */
  | {
      type: 'ended';
      by: 'remote' | 'platform' | 'no-answer-timeout' | 'cancel' | 'error';
      cause: number;
      sipCode?: number;
    };

export const TERMINAL_STATUSES: ReadonlySet<CallStatus> = new Set([
  CallStatus.Completed,
  CallStatus.Busy,
  CallStatus.Failed,
  CallStatus.NoAnswer,
  CallStatus.Canceled,
]);

export const isTerminal = (status: CallStatus) => TERMINAL_STATUSES.has(status);

// Q.850 causes Asterisk reports when no SIP response code is available.
const CAUSE_USER_BUSY = 17;
const CAUSE_NO_USER_RESPONSE = 18;
const CAUSE_NO_ANSWER = 19;
const CAUSE_CALL_REJECTED = 21;

/** Final status of a leg that was never answered. */
export function unansweredOutcome(signal: Extract<CallSignal, { type: 'ended' }>): CallStatus {
  if (signal.by === 'no-answer-timeout') return CallStatus.NoAnswer;
  if (signal.by === 'cancel') return CallStatus.Canceled;
  if (signal.by === 'error') return CallStatus.Failed;
  if (signal.sipCode !== undefined) {
    if (signal.sipCode === 486 || signal.sipCode === 600 || signal.sipCode === 603) return CallStatus.Busy;
    if (signal.sipCode === 408) return CallStatus.NoAnswer;
    return CallStatus.Failed;
  }
  if (signal.cause === CAUSE_USER_BUSY || signal.cause === CAUSE_CALL_REJECTED) return CallStatus.Busy;
  if (signal.cause === CAUSE_NO_ANSWER || signal.cause === CAUSE_NO_USER_RESPONSE) return CallStatus.NoAnswer;
  return CallStatus.Failed;
}

/**
 * The one place call statuses change. Returns the next status, or null when the signal does not
 * apply (late or duplicate events after a final status, ringing after answer...).
 */
export function nextStatus(current: CallStatus, signal: CallSignal): CallStatus | null {
  if (isTerminal(current)) return null;
  switch (signal.type) {
    case 'ringing':
      return current === CallStatus.Queued ? CallStatus.Ringing : null;
    case 'answered':
      return current === CallStatus.InProgress ? null : CallStatus.InProgress;
    case 'ended':
      if (current === CallStatus.InProgress) return CallStatus.Completed;
      return unansweredOutcome(signal);
  }
}
