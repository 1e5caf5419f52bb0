import type { CallEntity } from './call.entity';

/**
 * When a call ended and its billed seconds. A vanished channel brings when ARI was lost, a recovered one
 * Asterisk's time: either may predate the answer or the placing, so the end never goes before them.
 */
export function callEnd(
  call: Pick<CallEntity, 'answerTime' | 'startTime'>,
  known: Date,
): { endTime: Date; duration: number } {
  const floor = call.answerTime ?? call.startTime;
  const endTime = floor && known < floor ? floor : known;
  const duration = call.answerTime ? Math.round((endTime.getTime() - call.answerTime.getTime()) / 1000) : 0;
  return { endTime, duration };
}
