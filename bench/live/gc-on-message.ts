/**
 * Preloaded (`node --expose-gc --require`) into the platform process the live bench starts, and only
 * there: a `gc` message on the IPC channel the bench opened runs a full garbage collection and is
 * answered with `gc-done`, so heap per held call is read (from /metrics) after one. Not a signal: the
 * platform's shutdown hooks (Nest's enableShutdownHooks) treat SIGUSR2 and friends as "stop". The
 * platform's code knows nothing of this; the channel is unref'd so it never keeps the process alive.
 */
process.channel?.unref();
process.on('message', (message) => {
  if (message !== 'gc') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.('gc-done');
});
