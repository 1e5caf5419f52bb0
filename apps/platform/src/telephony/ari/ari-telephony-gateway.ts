import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import * as ari from 'ari-client';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import {
  AudioDirection,
  ChannelLabels,
  ChannelListener,
  ChannelWatch,
  CreateChannelRequest,
  DialTarget,
  DTMF_DIGITS,
  DtmfTiming,
  HangupReason,
  HoldOptions,
  IncomingChannel,
  OriginateRequest,
  RecordRequest,
  MachineDetectionRequest,
  MediaExport,
  MediaExportRequest,
  SnoopRequest,
  TelephonyError,
  TelephonyGateway,
  TelephonyInventory,
  TransferProgress,
} from '../telephony-gateway.port';
import { labelVariables, listInventory, takeHangupTime } from './ari-restart-support';
import { connectAri, describeError as describe, reconnectDelayMs, stopAriClient } from './ari-connection';
import { wakeableSleep } from './ari-connection';
import { AriEventJson, toIncomingChannel, vanishedHangup } from './ari-event-mapper';
import { AriEventRouter } from './ari-event-router';
import { ARI_TRANSFER_HANDLING, AriOutboundLegs, OUTBOUND_APP_ARG } from './ari-outbound-legs';
import { AriPbxOperations, SNOOP_APP_ARG } from './ari-pbx-operations';
import { AriRecordings } from './ari-recordings';
import { AriRequests, readAnswerHeaders } from './ari-requests';
import { ChannelWatchRegistry } from './channel-watch-registry';
import { AriMachineDetection } from './ari-machine-detection';
import { AriMediaExport } from './ari-media-export';

export { reconnectDelayMs } from './ari-connection';

const REJECT_CONTEXT = 'callwright-reject';
/** StasisStart arguments of channels the platform made itself: none of them is a call that came in. */
const OWN_CHANNEL_APP_ARGS = new Set([OUTBOUND_APP_ARG, SNOOP_APP_ARG]);

@Injectable()
export class AriTelephonyGateway
  extends TelephonyGateway
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('AriGateway');
  private readonly watches = new ChannelWatchRegistry();
  private client: ari.Client | null = null;
  private connected = false;
  /** When the connection was lost; channels found gone at reconnect are taken to have ended then. */
  private lostAt: Date | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private incomingHandler: ((channel: IncomingChannel) => void) | null = null;
  private readonly connectedListeners: Array<() => void> = [];
  private readonly legs: AriOutboundLegs;
  private readonly pbx: AriPbxOperations;
  private readonly recordings: AriRecordings;
  private readonly events: AriEventRouter;
  private readonly machineDetection: AriMachineDetection;
  private readonly mediaExport: AriMediaExport;
  private readonly requests: AriRequests = {
    request: (what, send) => this.request(what, send),
    quietly: (what, send) => this.quietly(what, send),
  };

  constructor(private readonly config: AppConfig) {
    super();
    this.events = new AriEventRouter(this.watches, this.requests);
    this.legs = new AriOutboundLegs(this.requests, config, this.events);
    this.pbx = new AriPbxOperations(this.requests, config, this.legs);
    this.recordings = new AriRecordings(this.requests, config);
    this.machineDetection = new AriMachineDetection(this.requests, config, (channelId, event) =>
      this.events.deliver(channelId, event),
    );
    this.mediaExport = new AriMediaExport(this.requests, config);
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

  watchBridge(bridgeId: string, listener: ChannelListener): ChannelWatch {
    return this.watches.watch(`bridge:${bridgeId}`, listener);
  }

  onConnected(listener: () => void): void {
    this.connectedListeners.push(listener);
  }

  onIncomingChannel(handler: (channel: IncomingChannel) => void): void {
    this.incomingHandler = handler;
  }

  originate(request: OriginateRequest): Promise<void> {
    return this.legs.originate(request);
  }

  createChannel(request: CreateChannelRequest): Promise<void> {
    return this.legs.create(request);
  }

  dial(channelId: string, timeoutSeconds: number): Promise<void> {
    return this.legs.dial(channelId, timeoutSeconds);
  }

  async indicateRinging(channelId: string): Promise<void> {
    await this.request('Ring', (client) => client.channels.ring({ channelId }));
  }

  answerHeaders(channelId: string): Promise<Record<string, string>> {
    return readAnswerHeaders(this.requests, channelId);
  }

  mute(channelId: string, direction: AudioDirection): Promise<void> {
    return this.pbx.mute(channelId, direction);
  }

  unmute(channelId: string, direction: AudioDirection): Promise<void> {
    return this.pbx.unmute(channelId, direction);
  }

  hold(channelId: string, options: HoldOptions): Promise<void> {
    return this.pbx.hold(channelId, options);
  }

  unhold(channelId: string): Promise<void> {
    return this.pbx.unhold(channelId);
  }

  redirect(channelId: string, target: DialTarget): Promise<void> {
    return this.pbx.redirect(channelId, target);
  }

  reportTransferProgress(channelId: string, progress: TransferProgress): Promise<void> {
    return this.pbx.reportTransferProgress(channelId, progress);
  }

  detectMachine(channelId: string, request: MachineDetectionRequest): Promise<void> {
    return this.machineDetection.start(channelId, request);
  }

  snoop(channelId: string, request: SnoopRequest): Promise<void> {
    return this.pbx.snoop(channelId, request);
  }

  exportMedia(channelId: string, request: MediaExportRequest): Promise<MediaExport> {
    return this.mediaExport.start(channelId, request);
  }

  async startMusicOnHold(channelId: string): Promise<void> {
    await this.request('Start MOH', (client) => client.channels.startMoh({ channelId }));
  }

  async stopMusicOnHold(channelId: string): Promise<void> {
    await this.quietly('Stop MOH', (client) => client.channels.stopMoh({ channelId }));
  }

  async createBridge(bridgeId: string): Promise<void> {
    await this.request('Create bridge', (client) =>
      client.bridges.create({ bridgeId, type: 'mixing,dtmf_events' }),
    );
  }

  async addToBridge(bridgeId: string, channelId: string): Promise<void> {
    await this.request('Add to bridge', (client) =>
      client.bridges.addChannel({ bridgeId, channel: channelId }),
    );
  }

  // Leaving or destroying what is gone already is done: quietly.
  async removeFromBridge(bridgeId: string, channelId: string): Promise<void> {
    await this.quietly('Remove from bridge', (client) =>
      client.bridges.removeChannel({ bridgeId, channel: channelId }),
    );
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.quietly('Destroy bridge', (client) => client.bridges.destroy({ bridgeId }));
  }

  async playToBridge(bridgeId: string, playbackId: string, media: string): Promise<void> {
    await this.request('Play to bridge', (client) => client.bridges.play({ bridgeId, playbackId, media }));
  }

  async answer(channelId: string): Promise<void> {
    await this.request('Answer', (client) => client.channels.answer({ channelId }));
  }

  async hangup(channelId: string, reason: HangupReason = 'normal'): Promise<void> {
    // The channel may already be gone; its ChannelDestroyed event (or reconciliation) settles the call.
    await this.quietly('Hangup', (client) => client.channels.hangup({ channelId, reason }));
  }

  async reject(channelId: string, sipCode: number): Promise<void> {
    await this.request('Reject', (client) =>
      client.channels.continueInDialplan({
        channelId,
        context: REJECT_CONTEXT,
        extension: String(sipCode),
        priority: 1,
      }),
    );
  }

  async play(channelId: string, playbackId: string, media: string): Promise<void> {
    await this.request('Play', (client) => client.channels.play({ channelId, playbackId, media }));
  }

  /** Asterisk reads `w`, `W` and `f` in this string as pauses and flash: only true digits get through. */
  async sendDtmf(channelId: string, digits: string, timing: DtmfTiming): Promise<void> {
    if (!DTMF_DIGITS.test(digits)) throw new TelephonyError(`Refused to send DTMF "${digits}"`);
    await this.request('Send DTMF', (client) =>
      client.channels.sendDTMF({
        channelId,
        dtmf: digits,
        duration: timing.durationMs,
        between: timing.betweenMs,
        before: timing.beforeMs ?? 0,
        after: timing.afterMs ?? 0,
      }),
    );
  }

  async stopPlayback(playbackId: string): Promise<void> {
    // Finished in the meantime: its PlaybackFinished event already settles it.
    await this.quietly('Stop playback', (client) => client.playbacks.stop({ playbackId }));
  }

  record(channelId: string, request: RecordRequest): Promise<void> {
    return this.recordings.record(channelId, request);
  }

  recordBridge(bridgeId: string, request: RecordRequest): Promise<void> {
    return this.recordings.recordBridge(bridgeId, request);
  }

  stopRecording(name: string): Promise<void> {
    return this.recordings.stop(name);
  }

  pauseRecording(name: string): Promise<void> {
    return this.recordings.pause(name);
  }

  resumeRecording(name: string): Promise<void> {
    return this.recordings.resume(name);
  }

  takeRecording(name: string): Promise<Buffer> {
    return this.recordings.take(name);
  }

  async labelChannel(channelId: string, labels: ChannelLabels): Promise<void> {
    for (const [variable, value] of Object.entries(labelVariables(labels)))
      await this.request('Label channel', (client) =>
        client.channels.setChannelVar({ channelId, variable, value }),
      );
  }

  inventory(): Promise<TelephonyInventory> {
    return this.request('List channels', (client) => listInventory(client));
  }

  async resumeChannel(channelId: string): Promise<void> {
    await this.request('Subscribe', (client) =>
      client.applications.subscribe({
        applicationName: this.config.ariApp,
        eventSource: `channel:${channelId}`,
      }),
    );
  }

  hangupTime(channelId: string): Promise<Date | null> {
    return this.request('Read hangup time', (client) => takeHangupTime(client, channelId));
  }

  release(): void {
    this.stopping = true;
    this.connected = false;
    this.wakeUp?.();
    this.closeClient();
  }

  private async request<T>(what: string, send: (client: ari.Client) => Promise<T>): Promise<T> {
    const client = this.requireClient();
    try {
      return await send(client);
    } catch (error) {
      throw new TelephonyError(`${what} failed: ${describe(error)}`);
    }
  }

  /** For requests whose failure means the thing is already over (stopping what has stopped). */
  private async quietly(what: string, send: (client: ari.Client) => Promise<unknown>): Promise<void> {
    await this.request(what, send).catch((error) => this.logger.debug(describe(error)));
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
      this.markDisconnected();
      this.closeClient();
      if (this.stopping) return;
      await wakeableSleep(this.retryDelayMs(attempt++), (wake) => (this.wakeUp = wake));
    }
  }

  /** Resolves when this connection is lost for good (ari-client gave up retrying). */
  private async runOneConnection(onConnected: () => void): Promise<void> {
    const client = await connectAri(this.config);
    if (this.stopping) return;
    this.client = client;
    const lost = new Promise<void>((resolve) => client.once('WebSocketMaxRetries', () => resolve()));
    // '*' carries every event in websocket order; @types/ari-client does not declare it.
    (client as unknown as NodeJS.EventEmitter).on('*', (event: AriEventJson) => this.dispatch(event));
    client.on('WebSocketReconnecting', () => {
      if (this.connected) this.logger.warn('ARI websocket lost; reconnecting');
      this.markDisconnected();
    });
    client.on('WebSocketConnected', () => {
      const wasDown = !this.connected;
      this.markConnected();
      onConnected();
      if (wasDown) void this.reconcile();
    });
    await client.start(this.config.ariApp);
    this.markConnected();
    onConnected();
    this.logger.log(`Connected to ARI at ${this.config.ariUrl} as app '${this.config.ariApp}'`);
    await lost;
  }

  /** Only the first loss counts: each failed retry of ari-client reports "reconnecting" again. */
  private markDisconnected(): void {
    if (!this.connected) return;
    this.connected = false;
    this.lostAt ??= new Date();
  }

  private markConnected(): void {
    if (this.connected) return;
    this.connected = true;
    for (const listener of this.connectedListeners) listener();
  }

  private dispatch(raw: AriEventJson): void {
    if (this.machineDetection.handle(raw) || this.mediaExport.handle(raw)) return;
    const channelId = raw.channel?.id;
    if (raw.type === 'ChannelDestroyed' && channelId) {
      void this.legs.legEnded(channelId);
      this.pbx.forget(channelId);
    }
    if (
      raw.type === 'StasisStart' &&
      channelId &&
      !this.watches.isWatched(channelId) &&
      !OWN_CHANNEL_APP_ARGS.has(raw.args?.[0] ?? '')
    ) {
      this.announceIncoming(raw);
    }
    this.events.route(raw);
  }

  private announceIncoming(raw: AriEventJson): void {
    const channel = raw.channel!;
    if (!this.incomingHandler) {
      void this.hangup(channel.id, 'congestion');
      return;
    }
    // An app only hears about a channel while it is in Stasis; subscribing keeps ChannelDestroyed
    // (with its hangup cause) coming after the channel leaves, as it does for originated channels.
    void this.resumeChannel(channel.id).catch((error) => this.logger.warn(describe(error)));
    // A phone's REFER must reach the platform, as on the legs it places (ARI_TRANSFER_HANDLING).
    if (channel.name?.startsWith('PJSIP/'))
      for (const [variable, value] of Object.entries(ARI_TRANSFER_HANDLING))
        void this.quietly('Transfer handling', (client) =>
          client.channels.setChannelVar({ channelId: channel.id, variable, value }),
        );
    this.incomingHandler(toIncomingChannel(raw));
  }

  /** Events are lost while the websocket is down: channels that vanished meanwhile are reported as hung up. */
  private async reconcile(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const lostAt = this.lostAt;
    this.lostAt = null;
    try {
      const live = new Set((await client.channels.list()).map((channel) => channel.id));
      for (const channelId of this.watches.watchedChannelIds()) {
        if (!live.has(channelId)) this.events.deliver(channelId, vanishedHangup(lostAt));
      }
    } catch (error) {
      // Kept for the next reconnect, whose reconciliation still owes these channels their end time.
      const since = this.lostAt as Date | null;
      if (lostAt && (!since || lostAt < since)) this.lostAt = lostAt;
      this.logger.warn(`Reconciliation after reconnect failed: ${describe(error)}`);
    }
  }

  private closeClient(): void {
    const client = this.client;
    this.client = null;
    if (client) stopAriClient(client);
  }
}
