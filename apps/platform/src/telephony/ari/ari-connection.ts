import type * as ari from 'ari-client';

const MAX_BACKOFF_MS = 30_000;

/** Exponential backoff with ±50 % jitter so a fleet of platforms does not reconnect in lockstep. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.5 + random()));
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Closes an ari-client for good. Its pending reconnect timer cannot be cancelled, so a websocket it opens
 * later is closed the moment it connects.
 */
export function stopAriClient(client: ari.Client): void {
  const stop = () => {
    try {
      (client as unknown as { stop(): void }).stop();
    } catch {
      // already closed
    }
  };
  (client as unknown as NodeJS.EventEmitter).removeAllListeners();
  client.on('WebSocketConnected', stop);
  stop();
}

/** Waits `ms`, or less when the function handed to `onWake` is called. */
export function wakeableSleep(ms: number, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    onWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
