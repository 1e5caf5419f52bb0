import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ServerClaims } from '../ownership/server-locks';
import {
  AudioDirection,
  ChannelEvent,
  ChannelLabels,
  ChannelListener,
  ChannelWatch,
  CreateChannelRequest,
  DialTarget,
  DtmfTiming,
  HangupReason,
  HoldOptions,
  IncomingChannel,
  MachineDetectionRequest,
  MediaExport,
  MediaExportRequest,
  OriginateRequest,
  RecordRequest,
  SnoopRequest,
  TelephonyError,
  TelephonyGateway,
  TelephonyInventory,
  TransferProgress,
} from '../telephony-gateway.port';
import { AsteriskServerRegistry, ServerGateway } from './asterisk-server-registry';
import { ServerStartup } from './server-startup';

/** How long the first connection waits for every server before the ones that answered go ahead alone. */
export const FIRST_CONNECT_GRACE_MS = 5000;

/**
 * The one telephony port the core sees, over one ARI gateway per Asterisk server: each operation goes to
 * the server that holds its channel, bridge, playback or recording (AsteriskServerRegistry). New calls go
 * to the least-loaded connected server; legs placed for a call (Dial, transfers), snoops, detectors and
 * exports go to the server of the channel they belong to, so a conversation never spans two servers.
 */
export class MultiServerGateway
  extends TelephonyGateway
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  readonly registry: AsteriskServerRegistry;
  /** Bridges asked for but not created yet: they are made on the server of the first channel added. */
  private readonly pendingBridges = new Map<string, Promise<ServerGateway> | null>();
  private readonly startup: ServerStartup;

  constructor(
    servers: ServerGateway[],
    graceMs = FIRST_CONNECT_GRACE_MS,
    claims: ServerClaims | null = null,
  ) {
    super();
    this.registry = new AsteriskServerRegistry(servers);
    this.startup = new ServerStartup(servers, claims, graceMs);
  }

  get servers(): ServerGateway[] {
    return this.registry.servers;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.startup.bootstrap();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.startup.shutdown();
  }

  /** Any server answering: the platform can place calls. For one channel: the server that holds it. */
  isConnected(channelId?: string): boolean {
    if (channelId !== undefined) {
      const server = this.registry.channelServer(channelId);
      if (server) return server.gateway.isConnected();
    }
    return this.servers.some(({ gateway }) => gateway.isConnected());
  }

  serverOf(channelId: string): string | null {
    return this.registry.channelServer(channelId)?.name ?? null;
  }

  soleServer(): string | null {
    return this.servers.length === 1 ? this.servers[0].name : null;
  }

  /** Calls never placed (no server) go with the first server: its holder closes a dead node's. */
  ownsServer(name: string | null): boolean {
    const server = name === null ? this.servers[0] : this.registry.byName(name);
    return server !== undefined && this.startup.holds(server);
  }

  onServerTakenOver(listener: (server: string) => void): void {
    this.startup.onServerTakenOver(listener);
  }

  onConnected(listener: () => void): void {
    this.startup.onConnected(listener);
  }

  newChannelId(): string {
    return this.servers[0].gateway.newChannelId();
  }

  newMediaId(): string {
    return this.servers[0].gateway.newMediaId();
  }

  /**
   * Watched on every server (the channel's server may not be chosen yet): only the one that holds it
   * reports its events, which also tells where it is.
   */
  watchChannel(channelId: string, listener: ChannelListener): ChannelWatch {
    this.registry.watch(channelId);
    let stopped = false;
    const watches = this.servers.map((server) =>
      server.gateway.watchChannel(channelId, (event) => {
        this.observe(channelId, server, event);
        listener(event);
      }),
    );
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        this.registry.unwatch(channelId);
        for (const watch of watches) watch.stop();
      },
    };
  }

  watchBridge(bridgeId: string, listener: ChannelListener): ChannelWatch {
    const watches = this.servers.map(({ gateway }) =>
      gateway.watchBridge(bridgeId, (event) => {
        if (event.kind === 'playback-finished') this.registry.forgetMedia(event.playbackId);
        listener(event);
      }),
    );
    return { stop: () => watches.forEach((watch) => watch.stop()) };
  }

  private observe(channelId: string, server: ServerGateway, event: ChannelEvent): void {
    if (!this.registry.channelServer(channelId)) this.registry.placeChannel(channelId, server);
    if (event.kind === 'playback-finished') this.registry.forgetMedia(event.playbackId);
    if (event.kind === 'hangup') this.registry.forgetChannel(channelId);
  }

  onIncomingChannel(handler: (channel: IncomingChannel) => void): void {
    for (const server of this.servers)
      server.gateway.onIncomingChannel((channel) => {
        this.registry.placeChannel(channel.channelId, server);
        handler(channel);
      });
  }

  /** The server for a new leg: its originator's, its parent call's, else the least loaded. */
  private serverForNewLeg(request: OriginateRequest & { originatorChannelId?: string }): ServerGateway {
    const server =
      (request.originatorChannelId && this.registry.channelServer(request.originatorChannelId)) ||
      this.registry.callServer(request.labels?.parentCallSid) ||
      this.registry.leastLoaded();
    this.registry.placeChannel(request.channelId, server);
    if (request.labels?.callSid) this.registry.placeCall(request.labels.callSid, request.channelId);
    return server;
  }

  async originate(request: OriginateRequest): Promise<void> {
    await this.serverForNewLeg(request).gateway.originate(request);
  }

  async createChannel(request: CreateChannelRequest): Promise<void> {
    await this.serverForNewLeg(request).gateway.createChannel(request);
  }

  private on(channelId: string): TelephonyGateway {
    return this.registry.requireChannel(channelId).gateway;
  }

  dial(channelId: string, timeoutSeconds: number): Promise<void> {
    return this.on(channelId).dial(channelId, timeoutSeconds);
  }

  indicateRinging(channelId: string): Promise<void> {
    return this.on(channelId).indicateRinging(channelId);
  }

  answerHeaders(channelId: string): Promise<Record<string, string>> {
    return this.on(channelId).answerHeaders(channelId);
  }

  mute(channelId: string, direction: AudioDirection): Promise<void> {
    return this.on(channelId).mute(channelId, direction);
  }

  unmute(channelId: string, direction: AudioDirection): Promise<void> {
    return this.on(channelId).unmute(channelId, direction);
  }

  hold(channelId: string, options: HoldOptions): Promise<void> {
    return this.on(channelId).hold(channelId, options);
  }

  unhold(channelId: string): Promise<void> {
    return this.on(channelId).unhold(channelId);
  }

  redirect(channelId: string, target: DialTarget): Promise<void> {
    return this.on(channelId).redirect(channelId, target);
  }

  reportTransferProgress(channelId: string, progress: TransferProgress): Promise<void> {
    return this.on(channelId).reportTransferProgress(channelId, progress);
  }

  /** A channel made beside `channelId` lives on its server. */
  private beside(channelId: string, ...newChannelIds: Array<string | undefined>): TelephonyGateway {
    const server = this.registry.requireChannel(channelId);
    for (const id of newChannelIds) if (id) this.registry.placeChannel(id, server);
    return server.gateway;
  }

  detectMachine(channelId: string, request: MachineDetectionRequest): Promise<void> {
    const beep = request.messageEnd?.beepListenerChannelId;
    return this.beside(channelId, request.detectorChannelId, beep).detectMachine(channelId, request);
  }

  snoop(channelId: string, request: SnoopRequest): Promise<void> {
    return this.beside(channelId, request.snoopChannelId).snoop(channelId, request);
  }

  exportMedia(channelId: string, request: MediaExportRequest): Promise<MediaExport> {
    return this.beside(channelId, request.exportChannelId).exportMedia(channelId, request);
  }

  startMusicOnHold(channelId: string): Promise<void> {
    return this.on(channelId).startMusicOnHold(channelId);
  }

  async stopMusicOnHold(channelId: string): Promise<void> {
    await this.registry.channelServer(channelId)?.gateway.stopMusicOnHold(channelId);
  }

  /** With one server the bridge is made at once, as always; with several, where its first member is. */
  async createBridge(bridgeId: string): Promise<void> {
    if (this.servers.length === 1) {
      await this.servers[0].gateway.createBridge(bridgeId);
      this.registry.placeBridge(bridgeId, this.servers[0]);
      return;
    }
    this.pendingBridges.set(bridgeId, null);
  }

  /** The bridge's server, creating a pending bridge on `server` (or the least-loaded) first. */
  private async bridgeOn(bridgeId: string, server?: ServerGateway): Promise<ServerGateway> {
    const placed = this.registry.bridgeServer(bridgeId);
    if (placed) return placed;
    if (!this.pendingBridges.has(bridgeId))
      throw new TelephonyError(`Bridge ${bridgeId} is on no known Asterisk server`);
    let creating = this.pendingBridges.get(bridgeId);
    if (!creating) {
      const target = server ?? this.registry.leastLoaded();
      creating = target.gateway.createBridge(bridgeId).then(() => {
        this.registry.placeBridge(bridgeId, target);
        this.pendingBridges.delete(bridgeId);
        return target;
      });
      creating.catch(() => this.pendingBridges.set(bridgeId, null));
      this.pendingBridges.set(bridgeId, creating);
    }
    return creating;
  }

  async addToBridge(bridgeId: string, channelId: string): Promise<void> {
    const server = this.registry.requireChannel(channelId);
    const bridge = await this.bridgeOn(bridgeId, server);
    if (bridge !== server)
      throw new TelephonyError(
        `Channel ${channelId} is on Asterisk ${server.name}, bridge ${bridgeId} on ${bridge.name}`,
      );
    await server.gateway.addToBridge(bridgeId, channelId);
  }

  async removeFromBridge(bridgeId: string, channelId: string): Promise<void> {
    await this.registry.bridgeServer(bridgeId)?.gateway.removeFromBridge(bridgeId, channelId);
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    this.pendingBridges.delete(bridgeId);
    const server = this.registry.bridgeServer(bridgeId);
    this.registry.forgetBridge(bridgeId);
    await server?.gateway.destroyBridge(bridgeId);
  }

  async playToBridge(bridgeId: string, playbackId: string, media: string): Promise<void> {
    const server = await this.bridgeOn(bridgeId);
    this.registry.placeMedia(playbackId, server);
    await server.gateway.playToBridge(bridgeId, playbackId, media);
  }

  async recordBridge(bridgeId: string, request: RecordRequest): Promise<void> {
    const server = await this.bridgeOn(bridgeId);
    this.registry.placeMedia(request.name, server);
    await server.gateway.recordBridge(bridgeId, request);
  }

  answer(channelId: string): Promise<void> {
    return this.on(channelId).answer(channelId);
  }

  /** Hanging up what no server holds is done already (the port's hangup is quiet about gone channels). */
  async hangup(channelId: string, reason?: HangupReason): Promise<void> {
    await this.registry.channelServer(channelId)?.gateway.hangup(channelId, reason);
  }

  reject(channelId: string, sipCode: number): Promise<void> {
    return this.on(channelId).reject(channelId, sipCode);
  }

  async play(channelId: string, playbackId: string, media: string): Promise<void> {
    const server = this.registry.requireChannel(channelId);
    this.registry.placeMedia(playbackId, server);
    await server.gateway.play(channelId, playbackId, media);
  }

  sendDtmf(channelId: string, digits: string, timing: DtmfTiming): Promise<void> {
    return this.on(channelId).sendDtmf(channelId, digits, timing);
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.registry.mediaServer(playbackId)?.gateway.stopPlayback(playbackId);
  }

  async record(channelId: string, request: RecordRequest): Promise<void> {
    const server = this.registry.requireChannel(channelId);
    this.registry.placeMedia(request.name, server);
    await server.gateway.record(channelId, request);
  }

  private recording(name: string): TelephonyGateway {
    const server = this.registry.mediaServer(name);
    if (!server) throw new TelephonyError(`Recording ${name} is on no known Asterisk server`);
    return server.gateway;
  }

  stopRecording(name: string): Promise<void> {
    return this.recording(name).stopRecording(name);
  }

  pauseRecording(name: string): Promise<void> {
    return this.recording(name).pauseRecording(name);
  }

  resumeRecording(name: string): Promise<void> {
    return this.recording(name).resumeRecording(name);
  }

  /** A recording of a previous process's call is looked for on every server that answers. */
  async takeRecording(name: string): Promise<Buffer> {
    const known = this.registry.mediaServer(name);
    const candidates = known ? [known] : this.servers.filter(({ gateway }) => gateway.isConnected());
    let failure: unknown = new TelephonyError(`Recording ${name} is on no known Asterisk server`);
    for (const server of candidates) {
      try {
        const bytes = await server.gateway.takeRecording(name);
        this.registry.forgetMedia(name);
        return bytes;
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }

  async labelChannel(channelId: string, labels: ChannelLabels): Promise<void> {
    const server = this.registry.requireChannel(channelId);
    if (labels.callSid) this.registry.placeCall(labels.callSid, channelId);
    await server.gateway.labelChannel(channelId, labels);
  }

  /** Every connected server's channels and bridges (each learnt as that server's, for the recovery). */
  async inventory(): Promise<TelephonyInventory> {
    const channelIds = new Set<string>();
    const bridges: Array<{ bridgeId: string; channelIds: string[] }> = [];
    for (const server of this.servers) {
      if (!server.gateway.isConnected()) continue;
      const found = await server.gateway.inventory();
      for (const channelId of found.channelIds) {
        channelIds.add(channelId);
        this.registry.placeChannel(channelId, server);
      }
      for (const bridge of found.bridges) {
        bridges.push(bridge);
        this.registry.placeBridge(bridge.bridgeId, server);
      }
    }
    return { channelIds, bridges };
  }

  resumeChannel(channelId: string): Promise<void> {
    return this.on(channelId).resumeChannel(channelId);
  }

  /** Asked of the channel's server, or of each server that answers for a channel none listed. */
  async hangupTime(channelId: string): Promise<Date | null> {
    const known = this.registry.channelServer(channelId);
    const candidates = known ? [known] : this.servers.filter(({ gateway }) => gateway.isConnected());
    for (const server of candidates) {
      const time = await server.gateway.hangupTime(channelId).catch(() => null);
      if (time) return time;
    }
    return null;
  }

  release(): void {
    for (const { gateway } of this.servers) gateway.release();
  }
}
