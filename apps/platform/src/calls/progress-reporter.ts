import { rfc2822 } from '../common/rfc2822';
import { SerialQueue } from '../common/serial-queue';
import {
  PROGRESS_EVENTS,
  splitEventList,
  type HttpMethod,
  type ProgressCallback,
  type ProgressEvent,
} from '../rcml/verbs/verb';
import type { CallEntity } from '../call-control/legs/call.entity';
import { callRequestParams } from '../rcml/call-request-params';

/** The events a record's `statusCallbackEvent` names, in firing order; `completed` alone when it names none. */
export function storedProgressEvents(stored: string | null): ProgressEvent[] {
  const named = new Set(splitEventList(stored ?? ''));
  const events = PROGRESS_EVENTS.filter((event) => named.has(event));
  return events.length > 0 ? events : ['completed'];
}

/**
 * What a progress callback carries: the call's standard parameters with the status of the moment
 * (`initiated` for that event), Twilio's `Timestamp` (RFC 2822), `CallbackSource` and
 * `SequenceNumber`; on `completed` also `CallDuration` (seconds) and `Duration` (minutes, rounded up,
 * as Twilio bills them).
 */
export function progressParams(
  event: ProgressEvent,
  call: Readonly<CallEntity>,
  sequence: number,
  at: Date,
): Record<string, string> {
  const params: Record<string, string> = {
    ...callRequestParams(call as CallEntity),
    CallStatus: event === 'initiated' ? 'initiated' : call.status,
    Timestamp: rfc2822(at)!,
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(sequence),
  };
  if (event === 'completed') {
    const seconds = call.duration ?? 0;
    params.CallDuration = String(seconds);
    params.Duration = String(Math.ceil(seconds / 60));
  }
  if (call.sipResponseCode !== null) params.SipResponseCode = String(call.sipResponseCode);
  if (call.sipCallId) params.SipCallId = call.sipCallId;
  return params;
}

/** Where a record's progress callbacks go, if anywhere. */
export function progressTarget(call: Readonly<CallEntity>): ProgressCallback | null {
  if (!call.statusCallback) return null;
  return {
    url: call.statusCallback,
    method: call.statusCallbackMethod as HttpMethod,
    events: storedProgressEvents(call.statusCallbackEvent),
  };
}

export type ProgressSender = (target: ProgressCallback, params: Record<string, string>) => Promise<void>;

/**
 * The progress callbacks of one call. Parameters are taken when the event happens; the requests go out
 * one at a time in firing order on a queue of their own, so a slow callback server delays the
 * callbacks behind it, never the call.
 */
export class ProgressReporter {
  private sequence = 0;
  private readonly deliveries = new SerialQueue();
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly send: ProgressSender) {}

  /**
   * Reports `event` to the record's StatusCallback as it is now (a live modification may have changed
   * it), for the events the record's StatusCallbackEvent asks for.
   */
  report(event: ProgressEvent, call: Readonly<CallEntity>): void {
    const target = progressTarget(call);
    if (!target || !target.events.includes(event)) return;
    const params = progressParams(event, call, this.sequence++, new Date());
    this.last = this.deliveries.run(() => this.send(target, params)).catch(() => undefined);
  }

  /** Settles once every callback reported so far has been attempted. */
  drained(): Promise<void> {
    return this.last;
  }
}
