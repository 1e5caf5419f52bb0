/**
 * Preloaded (`node --expose-gc --require`) into the platform process the live bench starts, and only
 * there: SIGUSR2 runs a full garbage collection, so heap per held call is read after one. The platform's
 * code knows nothing of it; without --expose-gc the handler does nothing.
 */
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
});
