import type { ChannelEvent, ChannelListener, ChannelWatch } from '../telephony-gateway.port';

/** Who listens to which channel. Owned by the gateway adapter; entries leave when the channel is destroyed. */
export class ChannelWatchRegistry {
  private readonly listeners = new Map<string, ChannelListener>();

  watch(channelId: string, listener: ChannelListener): ChannelWatch {
    this.listeners.set(channelId, listener);
    return { stop: () => this.remove(channelId, listener) };
  }

  deliver(channelId: string, event: ChannelEvent): boolean {
    const listener = this.listeners.get(channelId);
    if (!listener) return false;
    if (event.kind === 'hangup') this.listeners.delete(channelId);
    listener(event);
    return true;
  }

  isWatched(channelId: string): boolean {
    return this.listeners.has(channelId);
  }

  watchedChannelIds(): string[] {
    return [...this.listeners.keys()];
  }

  private remove(channelId: string, listener: ChannelListener): void {
    if (this.listeners.get(channelId) === listener) this.listeners.delete(channelId);
  }
}
