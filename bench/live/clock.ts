import { performance } from 'node:perf_hooks';

/**
 * Milliseconds on a clock every bench process shares: the raw baseline runs in a child process, and its
 * timestamps are compared with the UAS's (timeOrigin is wall-clock time at process start, now() is
 * monotonic since then, so the sum agrees across processes to well under a millisecond).
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
