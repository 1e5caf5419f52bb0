import type { AudioDirection } from '../telephony-gateway.port';

export type AudioWay = 'in' | 'out';
type Cause = 'mute' | 'hold';

export const waysOf = (direction: AudioDirection): AudioWay[] =>
  direction === 'both' ? ['in', 'out'] : [direction];

/** The one ARI direction that covers `ways` (null for none). */
export const directionOf = (ways: AudioWay[]): AudioDirection | null =>
  ways.length === 2 ? 'both' : (ways[0] ?? null);

/**
 * Why each direction of a channel's audio is cut. Asterisk keeps a single flag per direction (`mute` twice
 * then `unmute` once lets audio through), yet both the application's mute and a hold cut audio: the flag
 * may be lifted only when neither still wants it, so unholding a muted phone keeps it muted.
 */
export class AudioSuppressions {
  private readonly channels = new Map<string, Record<Cause, Set<AudioWay>>>();

  add(channelId: string, cause: Cause, ways: AudioWay[]): void {
    const state = this.stateOf(channelId);
    for (const way of ways) state[cause].add(way);
  }

  /** Lifts `cause`'s cut of `ways`; returns the directions nobody cuts any more, which Asterisk must let through. */
  remove(channelId: string, cause: Cause, ways: AudioWay[]): AudioWay[] {
    const state = this.channels.get(channelId);
    if (!state) return ways;
    for (const way of ways) state[cause].delete(way);
    const after = this.effective(channelId);
    return ways.filter((way) => !after.has(way));
  }

  /** Everything `cause` cuts on the channel now. */
  cutBy(channelId: string, cause: Cause): AudioWay[] {
    return [...(this.channels.get(channelId)?.[cause] ?? [])];
  }

  forget(channelId: string): void {
    this.channels.delete(channelId);
  }

  private effective(channelId: string): Set<AudioWay> {
    const state = this.channels.get(channelId);
    return new Set([...(state?.mute ?? []), ...(state?.hold ?? [])]);
  }

  private stateOf(channelId: string): Record<Cause, Set<AudioWay>> {
    let state = this.channels.get(channelId);
    if (!state) this.channels.set(channelId, (state = { mute: new Set(), hold: new Set() }));
    return state;
  }
}
