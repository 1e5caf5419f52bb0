import { Injectable, Logger } from '@nestjs/common';
import { CallEvent, CallEventOrigin, CallEventPayload, CallEventType, isFinalEvent } from './call-event';

export type CallEventHandler = (event: CallEvent) => void | Promise<void>;

export interface CallEventFilter {
  callSid?: string;
  accountSid?: string;
  types?: readonly CallEventType[];
}

interface CallQueue {
  tail: Promise<void>;
  pending: number;
}

/**
 * One subscriber's deliveries: a queue per call, so that the subscriber sees each call's events in
 * sequence order while a slow handler for one call delays neither other calls nor other subscribers.
 */
class Subscription {
  private readonly queues = new Map<string, CallQueue>();
  active = true;

  constructor(
    private readonly filter: CallEventFilter,
    private readonly handler: CallEventHandler,
    private readonly logger: Logger,
  ) {}

  matches(event: CallEvent): boolean {
    const { callSid, accountSid, types } = this.filter;
    if (callSid !== undefined && event.callSid !== callSid) return false;
    if (accountSid !== undefined && event.accountSid !== accountSid) return false;
    return types === undefined || types.includes(event.payload.type);
  }

  deliver(event: CallEvent): void {
    const queue = this.queues.get(event.callSid) ?? { tail: Promise.resolve(), pending: 0 };
    this.queues.set(event.callSid, queue);
    queue.pending++;
    queue.tail = queue.tail
      .then(() => (this.active ? this.handler(event) : undefined))
      .catch((error: unknown) =>
        this.logger.error(
          `subscriber failed on ${event.payload.type} #${event.sequence} of ${event.callSid}: ${String(error)}`,
        ),
      )
      .finally(() => {
        if (--queue.pending === 0) this.queues.delete(event.callSid);
      });
  }

  tails(): Promise<void>[] {
    return [...this.queues.values()].map((queue) => queue.tail);
  }

  get queuedCalls(): number {
    return this.queues.size;
  }
}

/**
 * The core's one event stream: every leg, party, conversation and transfer change of a call, numbered per
 * call at publish time. Handlers run later, never inside `publish`, so no subscriber can hold up a leg.
 */
@Injectable()
export class CallEventBus {
  private readonly logger = new Logger(CallEventBus.name);
  private readonly sequences = new Map<string, number>();
  private readonly subscriptions = new Set<Subscription>();

  publish(origin: CallEventOrigin, payload: CallEventPayload, at: Date = new Date()): CallEvent {
    const sequence = (this.sequences.get(origin.callSid) ?? 0) + 1;
    // A call's numbering ends with its final event: nothing of it is kept once it is over.
    if (isFinalEvent(payload)) this.sequences.delete(origin.callSid);
    else this.sequences.set(origin.callSid, sequence);
    const event: CallEvent = {
      callSid: origin.callSid,
      accountSid: origin.accountSid,
      sequence,
      at,
      payload,
    };
    for (const subscription of this.subscriptions)
      if (subscription.matches(event)) subscription.deliver(event);
    return event;
  }

  /** Returns the unsubscribe function; events already queued for the handler are then dropped. */
  subscribe(filter: CallEventFilter, handler: CallEventHandler): () => void;
  subscribe(handler: CallEventHandler): () => void;
  subscribe(filterOrHandler: CallEventFilter | CallEventHandler, handler?: CallEventHandler): () => void {
    const subscription =
      typeof filterOrHandler === 'function'
        ? new Subscription({}, filterOrHandler, this.logger)
        : new Subscription(filterOrHandler, handler!, this.logger);
    this.subscriptions.add(subscription);
    return () => {
      subscription.active = false;
      this.subscriptions.delete(subscription);
    };
  }

  /** Resolves once every delivery queued so far (and any queued meanwhile) has run. */
  async settled(): Promise<void> {
    for (;;) {
      const tails = [...this.subscriptions].flatMap((subscription) => subscription.tails());
      if (tails.length === 0) return;
      await Promise.all(tails);
    }
  }

  /** Calls whose numbering is still open (they have not published their final event). */
  get openCalls(): number {
    return this.sequences.size;
  }

  /** Calls with deliveries still queued, over all subscribers. */
  get queuedCalls(): number {
    let count = 0;
    for (const subscription of this.subscriptions) count += subscription.queuedCalls;
    return count;
  }
}
