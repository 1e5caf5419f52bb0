import { Injectable } from '@nestjs/common';

/**
 * How notifications are sent and retried. A provider of its own, so that tests (and one day the
 * configuration) can tighten it; each value is read when it is used.
 */
@Injectable()
export class DeliveryPolicy {
  /** RingCentral holds receivers to 3000 ms for the handshake and for notifications alike. */
  timeoutMs = 3000;
  /** The first retry of a failed notification waits this long; each further one twice as long... */
  firstRetryMs = 500;
  /** ...up to this: a receiver back after an outage gets the backlog within this time. */
  maxRetryMs = 15_000;
  /**
   * A notification that has failed for this long suspends its subscription: RingCentral blacklists a
   * WebHook that keeps failing for 10 minutes.
   */
  suspendAfterMs = 10 * 60_000;
  /** Notifications waiting for one subscription, at most: more suspends it (memory stays bounded). */
  maxPending = 10_000;
}

/** The wait before retry number `attempt` (1 for the first retry). */
export function retryDelayMs(policy: DeliveryPolicy, attempt: number): number {
  return Math.min(policy.firstRetryMs * 2 ** Math.min(attempt - 1, 30), policy.maxRetryMs);
}
