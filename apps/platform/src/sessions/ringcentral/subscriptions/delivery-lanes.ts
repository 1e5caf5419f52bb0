import { Logger } from '@nestjs/common';
import { abortableDelay } from '../../../common/serial-queue';
import type { TelephonySessionEventBody } from '../telephony-session-event';
import { DeliveryPolicy, retryDelayMs } from './delivery-policy';

/** One notification as RingCentral pushes it; a retry sends the same one again (same uuid). */
export interface SessionNotification {
  uuid: string;
  /** The event filter the event matched, as the subscription shows it. */
  event: string;
  timestamp: string;
  subscriptionId: string;
  ownerId: string;
  body: TelephonySessionEventBody;
}

/** Where a subscription's notifications go, as last read from its record. */
export interface DeliveryTarget {
  subscriptionId: string;
  accountSid: string;
  address: string;
  verificationToken: string | null;
}

/** Why a subscription stops: what the platform notification and `blacklistedData` say. */
export interface DeliveryFailure {
  reason: string;
  /** The receiver's last error, when there was one. */
  lastError?: unknown;
}

/** What the lanes need from the outside: sending, reading a subscription back, suspending it. */
export interface LaneHost {
  /** Resolves when the receiver took the notification (2xx); rejects otherwise. */
  send(target: DeliveryTarget, notification: SessionNotification): Promise<void>;
  /** Before a retry: the subscription's target now, or null when it no longer takes notifications. */
  current(target: DeliveryTarget): Promise<DeliveryTarget | null>;
  suspend(target: DeliveryTarget, failure: DeliveryFailure): Promise<void>;
}

interface Lane {
  queue: SessionNotification[];
}

interface SubscriptionLanes {
  target: DeliveryTarget;
  /** One lane per telephony session: sessions do not wait for each other. */
  lanes: Map<string, Lane>;
  pending: number;
  /** Aborted when the subscription is forgotten: its lanes stop at their next step. */
  stop: AbortController;
}

/**
 * Notifications on their way, per subscription and per session: each lane sends one at a time, in
 * the order they were queued, and a failing notification is retried (with backoff) before anything
 * behind it is sent. A notification failing for `suspendAfterMs`, or more than `maxPending` waiting,
 * suspends the subscription and drops what it had waiting. Nothing here survives a restart.
 */
export class DeliveryLanes {
  private readonly logger = new Logger('SubscriptionDelivery');
  private readonly subscriptions = new Map<string, SubscriptionLanes>();
  /** Suspended here and not yet on record: nothing is queued for them meanwhile. */
  private readonly suspended = new Set<string>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly host: LaneHost,
    private readonly policy: DeliveryPolicy,
  ) {}

  enqueue(target: DeliveryTarget, sessionId: string, notification: SessionNotification): void {
    const id = target.subscriptionId;
    if (this.suspended.has(id)) return;
    let subscription = this.subscriptions.get(id);
    if (!subscription) {
      subscription = { target, lanes: new Map(), pending: 0, stop: new AbortController() };
      this.subscriptions.set(id, subscription);
    }
    subscription.target = target;
    if (subscription.pending >= this.policy.maxPending) {
      this.suspend(subscription, {
        reason: `more than ${this.policy.maxPending} notifications were waiting for ${target.address}`,
      });
      return;
    }
    subscription.pending++;
    const lane = subscription.lanes.get(sessionId);
    if (lane) {
      lane.queue.push(notification);
      return;
    }
    const created: Lane = { queue: [notification] };
    subscription.lanes.set(sessionId, created);
    const run = this.run(subscription, sessionId, created);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Drops what a subscription has waiting (deleted, changed address, suspended elsewhere). */
  forget(subscriptionId: string): void {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription) return;
    subscription.stop.abort();
    this.subscriptions.delete(subscriptionId);
  }

  /** How many notifications wait for the subscription (the one being sent included). */
  pending(subscriptionId: string): number {
    return this.subscriptions.get(subscriptionId)?.pending ?? 0;
  }

  /** Resolves when every lane has nothing left to do (tests; shutdown after `stopAll`). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  stopAll(): void {
    for (const id of [...this.subscriptions.keys()]) this.forget(id);
  }

  private async run(subscription: SubscriptionLanes, sessionId: string, lane: Lane): Promise<void> {
    const { signal } = subscription.stop;
    let attempts = 0;
    let failingSince: number | null = null;
    try {
      while (lane.queue.length > 0 && !signal.aborted) {
        try {
          await this.host.send(subscription.target, lane.queue[0]);
          if (signal.aborted) return;
          lane.queue.shift();
          subscription.pending--;
          attempts = 0;
          failingSince = null;
          continue;
        } catch (error) {
          if (signal.aborted) return;
          attempts++;
          failingSince ??= Date.now();
          const failingForMs = Date.now() - failingSince;
          if (failingForMs >= this.policy.suspendAfterMs) {
            this.suspend(subscription, {
              reason:
                `notifications to ${subscription.target.address} failed for ${Math.round(failingForMs / 1000)} s ` +
                `(${attempts} attempts); the last attempt: ${describe(error)}`,
              lastError: error,
            });
            return;
          }
          await abortableDelay(retryDelayMs(this.policy, attempts), signal);
          if (signal.aborted) return;
          const current = await this.host.current(subscription.target).catch(() => subscription.target);
          if (signal.aborted) return;
          if (!current) {
            this.forget(subscription.target.subscriptionId);
            return;
          }
          subscription.target = current;
        }
      }
    } finally {
      if (subscription.lanes.get(sessionId) === lane && (lane.queue.length === 0 || signal.aborted))
        subscription.lanes.delete(sessionId);
      const id = subscription.target.subscriptionId;
      if (subscription.lanes.size === 0 && this.subscriptions.get(id) === subscription)
        this.subscriptions.delete(id);
    }
  }

  private suspend(subscription: SubscriptionLanes, failure: DeliveryFailure): void {
    const { target } = subscription;
    this.suspended.add(target.subscriptionId);
    this.forget(target.subscriptionId);
    this.logger.warn(`Subscription ${target.subscriptionId} suspended: ${failure.reason}`);
    const recorded = this.host
      .suspend(target, failure)
      .catch((error: unknown) => {
        this.logger.error(`Subscription ${target.subscriptionId} could not be suspended: ${describe(error)}`);
      })
      // From now on its record says Suspended, which keeps its events from being queued.
      .finally(() => this.suspended.delete(target.subscriptionId));
    this.running.add(recorded);
    void recorded.finally(() => this.running.delete(recorded));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
