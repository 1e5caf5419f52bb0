import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import * as ari from 'ari-client';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import {
  ChannelListener,
  ChannelWatch,
  HangupReason,
  OriginateRequest,
  TelephonyError,
  TelephonyGateway,
} from '../telephony-gateway.port';
import { AriEventJson, mapAriEvent } from './ari-event-mapper';
import { ChannelWatchRegistry } from './channel-watch-registry';

const MAX_BACKOFF_MS = 30_000;

/** Exponential backoff with ±50 % jitter so a fleet of platforms does not reconnect in lockstep. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.5 + random()));
}

@Injectable()
export class AriTelephonyGateway
  extends TelephonyGateway
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('AriGateway');
  private readonly watches = new ChannelWatchRegistry();
  private client: ari.Client | null = null;
  private connected = false;
  private stopping = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly config: AppConfig) {
    super();
  }

  onApplicationBootstrap(): void {
    // Boot must not wait for Asterisk: the API serves call logs even while telephony is down.
    void this.connectForever();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    this.closeClient();
  }

  isConnected(): boolean {
    return this.connected;
  }

  newChannelId(): string {
    return `cw-${randomUUID()}`;
  }

  watchChannel(channelId: string, listener: ChannelListener): ChannelWatch {
    return this.watches.watch(channelId, listener);
  }

  async originate(request: OriginateRequest): Promise<void> {
    const client = this.requireClient();
    try {
      await client.channels.originate({
        channelId: request.channelId,
        endpoint: `PJSIP/${this.config.outboundEndpoint}/${request.sipUri}`,
        app: this.config.ariApp,
        appArgs: 'outbound',
        callerId: request.callerId,
        timeout: request.timeoutSeconds,
      });
    } catch (error) {
      throw new TelephonyError(`Originate failed: ${describe(error)}`);
    }
  }

  async hangup(channelId: string, reason: HangupReason = 'normal'): Promise<void> {
    const client = this.requireClient();
    try {
      await client.channels.hangup({ channelId, reason });
    } catch (error) {
      // The channel may already be gone; its ChannelDestroyed event (or reconciliation) settles the call.
      this.logger.debug(`Hangup of ${channelId} failed: ${describe(error)}`);
    }
  }

  protected retryDelayMs(attempt: number): number {
    return reconnectDelayMs(attempt);
  }

  private requireClient(): ari.Client {
    if (!this.client || !this.connected) throw new TelephonyError('Asterisk is not connected');
    return this.client;
  }

  private async connectForever(): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      try {
        await this.runOneConnection(() => (attempt = 0));
      } catch (error) {
        this.logger.warn(`ARI connection to ${this.config.ariUrl} failed: ${describe(error)}`);
      }
      this.connected = false;
      this.closeClient();
      if (this.stopping) return;
      await this.sleep(this.retryDelayMs(attempt++));
    }
  }

  /** Resolves when this connection is lost for good (ari-client gave up retrying). */
  private async runOneConnection(onConnected: () => void): Promise<void> {
    const client = await ari.connect(this.config.ariUrl, this.config.ariUsername, this.config.ariPassword);
    if (this.stopping) return;
    this.client = client;
    const lost = new Promise<void>((resolve) => client.once('WebSocketMaxRetries', () => resolve()));
    // '*' carries every event in websocket order; @types/ari-client does not declare it.
    (client as unknown as NodeJS.EventEmitter).on('*', (event: AriEventJson) => this.dispatch(event));
    client.on('WebSocketReconnecting', () => {
      this.connected = false;
      this.logger.warn('ARI websocket lost; reconnecting');
    });
    client.on('WebSocketConnected', () => {
      const wasDown = !this.connected;
      this.connected = true;
      onConnected();
      if (wasDown) void this.reconcile();
    });
    await client.start(this.config.ariApp);
    this.connected = true;
    onConnected();
    this.logger.log(`Connected to ARI at ${this.config.ariUrl} as app '${this.config.ariApp}'`);
    await lost;
  }

  private dispatch(raw: AriEventJson): void {
    const mapped = mapAriEvent(raw);
    if (mapped) this.watches.deliver(mapped.channelId, mapped.event);
  }

  /** Events are lost while the websocket is down: channels that vanished meanwhile are reported as hung up. */
  private async reconcile(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const live = new Set((await client.channels.list()).map((channel) => channel.id));
      for (const channelId of this.watches.watchedChannelIds()) {
        if (!live.has(channelId)) {
          this.watches.deliver(channelId, {
            kind: 'hangup',
            cause: 0,
            causeText: 'Channel vanished while ARI was disconnected',
            vanished: true,
          });
        }
      }
    } catch (error) {
      this.logger.warn(`Reconciliation after reconnect failed: ${describe(error)}`);
    }
  }

  private closeClient(): void {
    const client = this.client;
    this.client = null;
    if (!client) return;
    (client as unknown as NodeJS.EventEmitter).removeAllListeners();
    try {
      (client as unknown as { stop(): void }).stop();
    } catch {
      // already closed
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
