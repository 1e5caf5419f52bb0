import type { CallEventBus } from './call-event-bus';

/** Tells when a transfer first touches any of some calls: their conversation is the transfer's then. */
export interface TransferWatch {
  /** Resolves at the first transfer event of any of the calls. */
  readonly promise: Promise<void>;
  readonly happened: boolean;
  stop(): void;
}

/**
 * For the owners of a two-party conversation (a Dial, a re-adopted call) that end the other party when
 * one leaves: once a transfer runs on their conversation, they must step back and leave it to the core.
 */
export function watchForTransfer(bus: CallEventBus, callSids: string[]): TransferWatch {
  let resolve!: () => void;
  let happened = false;
  const promise = new Promise<void>((done) => (resolve = done));
  const stops = callSids.map((callSid) =>
    bus.subscribe({ callSid }, (event) => {
      if (happened || !event.payload.type.startsWith('transfer.')) return;
      happened = true;
      resolve();
    }),
  );
  return {
    promise,
    get happened() {
      return happened;
    },
    stop: () => stops.forEach((stop) => stop()),
  };
}
