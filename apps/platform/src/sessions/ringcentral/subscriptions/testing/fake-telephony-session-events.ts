import {
  TelephonySessionEvent,
  TelephonySessionEvents,
  TelephonySessionListener,
} from '../../telephony-session-event';

/** A session event stream that tests push events into. */
export class FakeTelephonySessionEvents extends TelephonySessionEvents {
  private readonly listeners = new Set<TelephonySessionListener>();

  subscribe(listener: TelephonySessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: TelephonySessionEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
