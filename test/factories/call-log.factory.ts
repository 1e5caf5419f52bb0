import type { CallEntity } from '../../apps/platform/src/call-control/legs/call.entity';
import { CALL_STATUSES, CallDirection, CallStatus } from '../../apps/platform/src/call-control/legs/call-status';
import { buildCallEntity } from './call-entity.factory';

export const LOG_TO = [
  'sip:answer@127.0.0.1:5070',
  '+15551230000',
  '+15551230001',
  'alice',
  'sip:busy@127.0.0.1:5070',
];
export const LOG_FROM = ['+15550001111', '+15550002222', 'bob smith', 'carol'];

/** Deterministic pseudo-random numbers (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A call log for listing tests: `count` calls of one account over ten days from `from` (crossing
 * UTC midnights), every status, child calls, several To/From values, and runs of calls that share
 * one date_created (and some one start_time) so ordering has to break ties by sid.
 */
export function buildCallLog(
  accountSid: string,
  count: number,
  options: { seed?: number; from?: Date } = {},
): CallEntity[] {
  const random = seededRandom(options.seed ?? 1);
  const origin = (options.from ?? new Date('2024-03-01T20:00:00.000Z')).getTime();
  const spanMs = 10 * 24 * 3600 * 1000;
  const calls: CallEntity[] = [];
  let created = origin;
  for (let i = 0; i < count; i++) {
    // One call in four shares the previous call's date_created.
    if (i === 0 || random() >= 0.25) created = origin + Math.floor(random() * spanMs);
    const status = CALL_STATUSES[Math.floor(random() * CALL_STATUSES.length)];
    const parent = calls.length > 0 && random() < 0.15 ? calls[Math.floor(random() * calls.length)] : null;
    const notStarted = status === CallStatus.Queued || status === CallStatus.Canceled;
    const live = status === CallStatus.Ringing || status === CallStatus.InProgress;
    const previous = calls[calls.length - 1];
    const startTime = notStarted
      ? null
      : previous?.startTime && random() < 0.1
        ? new Date(previous.startTime) // equal start times too
        : new Date(created + Math.floor(random() * 6 * 3600 * 1000));
    const endTime =
      startTime && !live ? new Date(startTime.getTime() + Math.floor(random() * 3 * 3600 * 1000)) : null;
    calls.push(
      buildCallEntity({
        accountSid,
        parentCallSid: parent?.sid ?? null,
        to: LOG_TO[Math.floor(random() * LOG_TO.length)],
        from: LOG_FROM[Math.floor(random() * LOG_FROM.length)],
        status,
        direction: parent ? CallDirection.OutboundDial : CallDirection.OutboundApi,
        startTime,
        endTime,
        duration: endTime && startTime ? Math.round((endTime.getTime() - startTime.getTime()) / 1000) : null,
        dateCreated: new Date(created),
        dateUpdated: new Date(created),
      }),
    );
  }
  return calls;
}
