import { Logger } from '@nestjs/common';
import type { ChannelEvent } from '../telephony-gateway.port';
import { describeError } from './ari-connection';
import {
  AriEventJson,
  AriTransferRequest,
  mapAriEvent,
  provisionalDialOf,
  interimResponseFromCause,
  provisionalFromCause,
  transferRequestOf,
} from './ari-event-mapper';
import { AriRequests, readChannelVariable } from './ari-requests';
import type { ChannelWatchRegistry } from './channel-watch-registry';

/** How often a traced leg's latest SIP response is read while it rings. */
const TRACE_INTERVAL_MS = 80;

/**
 * Hands each ARI event to the watcher of its channel, in the order Asterisk sent them, even when an event
 * needs a request to Asterisk first (the status line of a provisional response, the channel an attended
 * REFER replaces): the channel's later events wait for it.
 */
export class AriEventRouter {
  private readonly logger = new Logger('AriEventRouter');
  /** Per channel, the delivery still waiting on Asterisk; absent when events can be delivered at once. */
  private readonly pending = new Map<string, Promise<void>>();
  private readonly lastStatusLine = new Map<string, string>();
  /** Channels whose responses are read while they ring (`traceSetupResponses`), and the next read's timer. */
  private readonly traced = new Map<string, NodeJS.Timeout | null>();

  constructor(
    private readonly watches: ChannelWatchRegistry,
    private readonly ari: AriRequests,
  ) {}

  route(raw: AriEventJson): void {
    const transfer = transferRequestOf(raw);
    if (transfer) return this.deliverLater(transfer.channelId, this.transferEvent(transfer));
    const dial = provisionalDialOf(raw);
    if (dial) {
      if (!this.watches.isWatched(dial.channelId)) return;
      return this.deliverLater(dial.channelId, this.provisionalEvent(dial));
    }
    const mapped = mapAriEvent(raw);
    if (mapped) this.deliver(mapped.channelId, mapped.event);
  }

  deliver(channelId: string, event: ChannelEvent): void {
    if (this.pending.has(channelId)) return this.deliverLater(channelId, Promise.resolve(event));
    this.handOver(channelId, event);
  }

  /** `event` is already under way; it is handed over once every earlier event of the channel has been. */
  private deliverLater(channelId: string, event: Promise<ChannelEvent | null>): void {
    const earlier = this.pending.get(channelId) ?? Promise.resolve();
    const delivered: Promise<void> = Promise.all([earlier, event])
      .then(([, ready]) => {
        if (ready) this.handOver(channelId, ready);
      })
      .catch((error) => this.logger.warn(`Event of ${channelId} lost: ${describeError(error)}`))
      .finally(() => {
        if (this.pending.get(channelId) === delivered) this.pending.delete(channelId);
      });
    this.pending.set(channelId, delivered);
  }

  /**
   * Reads the channel's latest response every TRACE_INTERVAL_MS until it is answered or gone (or after
   * `maxSeconds`): chan_pjsip raises no event for a 100, a 401/407 it answers or a 3xx it follows, and
   * keeps only the latest response, so only reading often enough sees them.
   */
  traceSetup(channelId: string, channelName: string, maxSeconds: number): void {
    const deadline = Date.now() + maxSeconds * 1000;
    this.traced.set(channelId, null);
    const read = () => {
      if (!this.traced.has(channelId)) return;
      if (Date.now() > deadline) return this.stopTracing(channelId);
      const variable = `HANGUPCAUSE(${channelName},tech)`;
      const event = readChannelVariable(this.ari, channelId, variable).then((cause) =>
        this.unlessSeen(channelId, interimResponseFromCause(cause)),
      );
      this.deliverLater(channelId, event);
      void event
        .catch(() => undefined)
        .then(() => {
          if (!this.traced.has(channelId)) return;
          const timer = setTimeout(read, TRACE_INTERVAL_MS);
          timer.unref();
          this.traced.set(channelId, timer);
        });
    };
    read();
  }

  private stopTracing(channelId: string): void {
    const timer = this.traced.get(channelId);
    if (timer) clearTimeout(timer);
    this.traced.delete(channelId);
  }

  private handOver(channelId: string, event: ChannelEvent): void {
    if (event.kind === 'answered' || event.kind === 'hangup') this.stopTracing(channelId);
    if (event.kind === 'hangup') this.lastStatusLine.delete(channelId);
    this.watches.deliver(channelId, event);
  }

  /** chan_pjsip keeps only the latest response: two Dial events may read the same one, which counts once. */
  private async provisionalEvent(dial: {
    channelId: string;
    channelName: string;
    dialstatus: string;
  }): Promise<ChannelEvent | null> {
    const variable = `HANGUPCAUSE(${dial.channelName},tech)`;
    const techCause = await readChannelVariable(this.ari, dial.channelId, variable);
    return this.unlessSeen(dial.channelId, provisionalFromCause(techCause, dial.dialstatus));
  }

  private unlessSeen(channelId: string, event: ChannelEvent | null): ChannelEvent | null {
    if (!event || event.kind !== 'setup-response') return null;
    if (this.lastStatusLine.get(channelId) === event.statusLine) return null;
    this.lastStatusLine.set(channelId, event.statusLine);
    return event;
  }

  /** An attended REFER names the replaced dialog by Call-ID: it is one of the platform's channels or none. */
  private async transferEvent(request: AriTransferRequest): Promise<ChannelEvent> {
    const transfer = request.transfer;
    if (transfer.mode === 'attended' && request.replacesSipCallId) {
      const channels = await this.ari
        .request('List channels', (client) => client.channels.list())
        .catch(() => []);
      const replaced = channels.find(
        (channel) =>
          (channel as { protocol_id?: string }).protocol_id === request.replacesSipCallId &&
          this.watches.isWatched(channel.id),
      );
      return {
        kind: 'transfer-requested',
        transfer: { ...transfer, replacesChannelId: replaced?.id ?? null },
      };
    }
    return { kind: 'transfer-requested', transfer };
  }
}
