import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CallEventBus } from '../call-control/events/call-event-bus';
import { isFinalEvent } from '../call-control/events/call-event';

/** How long a call's account stays known after its final event: its last log lines come after it. */
const FORGET_AFTER_MS = 60_000;

/**
 * The account of each live call, so a log line that names only a CallSid carries its AccountSid too.
 * Process-wide, as the logger is.
 */
const accountOfCall = new Map<string, string>();

export function accountOf(callSid: string): string | undefined {
  return accountOfCall.get(callSid);
}

/** Learns calls' accounts from the core's event stream. */
@Injectable()
export class CallLogContext implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly events: CallEventBus) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => {
      accountOfCall.set(event.callSid, event.accountSid);
      if (!isFinalEvent(event.payload)) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        accountOfCall.delete(event.callSid);
      }, FORGET_AFTER_MS);
      timer.unref();
      this.timers.add(timer);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const timer of this.timers) clearTimeout(timer);
  }
}
