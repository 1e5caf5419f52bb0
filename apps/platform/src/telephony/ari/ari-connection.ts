import * as ari from 'ari-client';
import { AriRest, routeRestThrough } from './ari-rest';

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
  void restOf.get(client)?.close();
  restOf.delete(client);
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

/**
 * ari-client's swagger client prints a deprecation notice with console.log on every connect, which
 * would be the one line of the process's output that is not the logger's (JSON lines in production):
 * it is dropped while `connect` runs; anything else printed meanwhile still goes through.
 */
export async function withoutSwaggerNotice<T>(connect: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => {
    if (args.some((arg) => /deprecated version of Swagger/.test(JSON.stringify(arg) ?? ''))) return;
    original(...args);
  };
  try {
    return await connect();
  } finally {
    console.log = original;
  }
}

/** The keep-alive REST transport of each connected client, closed with it. */
const restOf = new WeakMap<ari.Client, AriRest>();

/**
 * Connects to ARI (without the swagger notice). ari-client reads Asterisk's api-docs and keeps the
 * WebSocket and its events; its REST operations are then sent through a keep-alive pool (AriRest).
 */
export async function connectAri(config: {
  ariUrl: string;
  ariUsername: string;
  ariPassword: string;
}): Promise<ari.Client> {
  const client = await withoutSwaggerNotice(() =>
    ari.connect(config.ariUrl, config.ariUsername, config.ariPassword),
  );
  const rest = new AriRest(config);
  if (routeRestThrough(client, rest)) restOf.set(client, rest);
  else void rest.close();
  return client;
}
