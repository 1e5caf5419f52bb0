import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import * as ari from 'ari-client';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import {
  AudioDirection,
  ChannelLabels,
  ChannelListener,
  ChannelWatch,
  DTMF_DIGITS,
  DtmfTiming,
  HangupReason,
  IncomingChannel,
  OriginateRequest,
  RecordRequest,
  TelephonyError,
  TelephonyGateway,
  TelephonyInventory,
} from '../telephony-gateway.port';
import { labelVariables, listInventory, takeHangupTime } from './ari-restart-support';
import { describeError as describe, reconnectDelayMs, stopAriClient } from './ari-connection';
import { AriEventJson, mapAriEvent, toIncomingChannel, vanishedHangup } from './ari-event-mapper';

export { reconnectDelayMs } from './ari-connection';
import { ChannelWatchRegistry } from './channel-watch-registry';
import { DialCredentials } from './dial-credentials';
import { withHopHeader } from '../hop-header';
import { assertSipSafe } from './sip-safety';

const OUTBOUND_APP_ARG = 'outbound';
const REJECT_CONTEXT = 'callwright-reject';

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
  private readonly credentials: DialCredentials;

  constructor(private readonly config: AppConfig) {
    super();
    this.credentials = new DialCredentials(config);
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

  async originate(request: OriginateRequest): Promise<void> {
    assertSipSafe(request);
    const variables: Record<string, string> = labelVariables(request.labels ?? {});
    for (const [name, value] of Object.entries(withHopHeader(request.headers, request.hops)))
      variables[`PJSIP_HEADER(add,${name})`] = value;
    const endpoint = await this.dialString(request);
    try {
      await this.request('Originate', (client) =>
        client.channels.originate({
          channelId: request.channelId,
          endpoint,
          app: this.config.ariApp,
          appArgs: OUTBOUND_APP_ARG,
          callerId: request.callerId,
          timeout: request.timeoutSeconds,
          variables,
        }),
      );
    } catch (error) {
      if (request.target.kind === 'sip' && request.target.auth)
        await this.credentials.release(request.channelId);
      throw error;
    }
  }

  private async dialString(request: OriginateRequest): Promise<string> {
    const target = request.target;
    switch (target.kind) {
      case 'sip':
        if (!target.auth) return `PJSIP/${this.config.outboundEndpoint}/${target.uri}`;
        return `PJSIP/${await this.credentials.endpointFor(request.channelId, target.auth)}/${target.uri}`;
      case 'number':
        return `PJSIP/${target.number}@${this.config.numberTrunkEndpoint}`;
      case 'sip-user':
        return target.dialString;
    }
  }

  async indicateRinging(channelId: string): Promise<void> {
    await this.request('Ring', (client) => client.channels.ring({ channelId }));
  }

  async answerHeaders(channelId: string): Promise<Record<string, string>> {
    const read = async (variable: string) =>
      this.request('Read variable', (client) => client.channels.getChannelVar({ channelId, variable })).then(
        (result) => (result as { value?: string }).value ?? '',
        () => '',
      );
    const names = (await read('PJSIP_RESPONSE_HEADERS(X-)')).split(',').filter(Boolean);
    const headers: Record<string, string> = {};
    for (const name of names) headers[name] = await read(`PJSIP_RESPONSE_HEADER(read,${name})`);
    return headers;
  }

  async mute(channelId: string, direction: AudioDirection): Promise<void> {
    await this.request('Mute', (client) => client.channels.mute({ channelId, direction }));
  }

  async unmute(channelId: string, direction: AudioDirection): Promise<void> {
    await this.request('Unmute', (client) => client.channels.unmute({ channelId, direction }));
  }

  // PBX operations land with the adapter work of issue 6/14; until then they refuse plainly.
  async hold(): Promise<void> {
    throw new TelephonyError('Hold is not available on this gateway yet');
  }
  async unhold(): Promise<void> {
    throw new TelephonyError('Unhold is not available on this gateway yet');
  }
  async redirect(): Promise<void> {
    throw new TelephonyError('Redirect is not available on this gateway yet');
  }
  async reportTransferProgress(): Promise<void> {
    throw new TelephonyError('Transfer progress is not available on this gateway yet');
  }
  async snoop(): Promise<void> {
    throw new TelephonyError('Snoop is not available on this gateway yet');
  }
  async createChannel(): Promise<void> {
    throw new TelephonyError('Create channel is not available on this gateway yet');
  }
  async dial(): Promise<void> {
    throw new TelephonyError('Dial is not available on this gateway yet');
  }
  async pauseRecording(): Promise<void> {
    throw new TelephonyError('Pause recording is not available on this gateway yet');
  }
  async resumeRecording(): Promise<void> {
    throw new TelephonyError('Resume recording is not available on this gateway yet');
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

  async removeFromBridge(bridgeId: string, channelId: string): Promise<void> {
    try {
      await this.request('Remove from bridge', (client) =>
        client.bridges.removeChannel({ bridgeId, channel: channelId }),
      );
    } catch (error) {
      this.logger.debug(describe(error));
    }
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    try {
      await this.request('Destroy bridge', (client) => client.bridges.destroy({ bridgeId }));
    } catch (error) {
      this.logger.debug(describe(error));
    }
  }

  async playToBridge(bridgeId: string, playbackId: string, media: string): Promise<void> {
    await this.request('Play to bridge', (client) => client.bridges.play({ bridgeId, playbackId, media }));
  }

  async recordBridge(bridgeId: string, request: RecordRequest): Promise<void> {
    await this.request('Record bridge', (client) =>
      client.bridges.record({ bridgeId, ...recordingOptions(request) }),
    );
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

  async record(channelId: string, request: RecordRequest): Promise<void> {
    await this.request('Record', (client) =>
      client.channels.record({ channelId, ...recordingOptions(request) }),
    );
  }

  async stopRecording(name: string): Promise<void> {
    await this.quietly('Stop recording', (client) => client.recordings.stop({ recordingName: name }));
  }

  /** ari-client decodes every body as text, so the WAV is fetched with plain HTTP. */
  async takeRecording(name: string): Promise<Buffer> {
    const url = `${this.config.ariUrl.replace(/\/$/, '')}/ari/recordings/stored/${encodeURIComponent(name)}`;
    const auth =
      'Basic ' + Buffer.from(`${this.config.ariUsername}:${this.config.ariPassword}`).toString('base64');
    const response = await fetch(`${url}/file`, { headers: { Authorization: auth } });
    if (!response.ok) throw new TelephonyError(`Fetching recording ${name} failed: HTTP ${response.status}`);
    const audio = Buffer.from(await response.arrayBuffer());
    await fetch(url, { method: 'DELETE', headers: { Authorization: auth } }).catch(() => undefined);
    return audio;
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
    const mapped = mapAriEvent(raw);
    if (!mapped) return;
    if (mapped.event.kind === 'hangup') void this.credentials.release(mapped.channelId);
    if (
      raw.type === 'StasisStart' &&
      !this.watches.isWatched(mapped.channelId) &&
      raw.args?.[0] !== OUTBOUND_APP_ARG
    ) {
      this.announceIncoming(raw);
    }
    this.watches.deliver(mapped.channelId, mapped.event);
  }

  private announceIncoming(raw: AriEventJson): void {
    const channel = raw.channel!;
    if (!this.incomingHandler) {
      void this.hangup(channel.id, 'congestion');
      return;
    }
    // An app only hears about a channel while it is in Stasis; subscribing keeps ChannelDestroyed
    // (with its hangup cause) coming after the channel leaves, as it does for originated channels.
    void this.request('Subscribe', (client) =>
      client.applications.subscribe({
        applicationName: this.config.ariApp,
        eventSource: `channel:${channel.id}`,
      }),
    ).catch((error) => this.logger.warn(describe(error)));
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
        if (!live.has(channelId)) this.watches.deliver(channelId, vanishedHangup(lostAt));
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

function recordingOptions(request: RecordRequest) {
  return {
    name: request.name,
    format: 'wav',
    maxDurationSeconds: request.maxDurationSeconds,
    maxSilenceSeconds: request.maxSilenceSeconds,
    beep: request.beep,
    terminateOn: request.terminateOn,
    ifExists: 'overwrite',
  };
}
