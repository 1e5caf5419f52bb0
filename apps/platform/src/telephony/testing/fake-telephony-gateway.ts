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

/** One command the platform sent to the fake Asterisk, in the order sent. */
export interface GatewayCommand {
  op: string;
  channelId?: string;
  bridgeId?: string;
  args?: unknown;
}

/**
 * An in-memory Asterisk for unit and medium tests: it keeps channels, bridges and hold/mute state as
 * Asterisk would, records every command, and lets the test play the far end by emitting channel events.
 * Bridge membership changes emit `entered-bridge` / `left-bridge` to the channel, as ARI does.
 */
export class FakeTelephonyGateway extends TelephonyGateway {
  readonly commands: GatewayCommand[] = [];
  readonly originated: OriginateRequest[] = [];
  readonly bridges = new Map<string, Set<string>>();
  readonly channels = new Set<string>();
  readonly held = new Map<string, HoldOptions>();
  readonly muted = new Map<string, Set<'in' | 'out'>>();
  readonly labels = new Map<string, ChannelLabels>();
  readonly transferProgress: Array<{ channelId: string; progress: TransferProgress }> = [];
  connected = true;
  /** Operation names that fail with a TelephonyError, as when Asterisk refuses or the channel is gone. */
  readonly failing = new Set<string>();
  private nextId = 1;
  private readonly listeners = new Map<string, ChannelListener>();
  private readonly bridgeListeners = new Map<string, ChannelListener>();
  /** What `takeRecording` hands over, by recording name (empty when the test stored none). */
  readonly recordingFiles = new Map<string, Buffer>();
  private readonly connectedListeners: Array<() => void> = [];
  private incoming: ((channel: IncomingChannel) => void) | null = null;

  isConnected(): boolean {
    return this.connected;
  }
  onConnected(listener: () => void): void {
    this.connectedListeners.push(listener);
  }
  newChannelId(): string {
    return `fake-chan-${this.nextId++}`;
  }
  watchChannel(channelId: string, listener: ChannelListener): ChannelWatch {
    this.listeners.set(channelId, listener);
    return { stop: () => this.listeners.get(channelId) === listener && this.listeners.delete(channelId) };
  }
  watchBridge(bridgeId: string, listener: ChannelListener): ChannelWatch {
    this.bridgeListeners.set(bridgeId, listener);
    return { stop: () => this.bridgeListeners.delete(bridgeId) };
  }
  onIncomingChannel(handler: (channel: IncomingChannel) => void): void {
    this.incoming = handler;
  }

  // ---- what the test does as Asterisk and the far end ----

  /** Delivers an event to the channel's watcher, as ARI would. */
  emit(channelId: string, event: ChannelEvent): void {
    if (event.kind === 'hangup') this.dropChannel(channelId);
    this.listeners.get(channelId)?.(event);
  }
  /** Delivers a bridge's event (a recording's end) to its watcher. */
  emitBridge(bridgeId: string, event: ChannelEvent): void {
    this.bridgeListeners.get(bridgeId)?.(event);
  }
  /** A call arrives from outside: the channel exists and the platform's incoming handler runs. */
  arrive(channel: Partial<IncomingChannel> & { channelId?: string } = {}): IncomingChannel {
    const incoming: IncomingChannel = {
      channelId: channel.channelId ?? this.newChannelId(),
      to: channel.to ?? '+15550001111',
      from: channel.from ?? '+15550002222',
      callerName: channel.callerName ?? null,
      sipCallId: channel.sipCallId ?? null,
      hops: channel.hops ?? 0,
    };
    this.channels.add(incoming.channelId);
    this.incoming?.(incoming);
    return incoming;
  }
  /** Answers an outbound leg: ringing, then up and in the app. */
  answerLeg(channelId: string): void {
    this.emit(channelId, { kind: 'ringing' });
    this.emit(channelId, { kind: 'answered' });
    this.emit(channelId, { kind: 'entered-app' });
  }
  /** The far end hangs up. */
  farEndHangsUp(channelId: string, cause = 16): void {
    this.emit(channelId, { kind: 'hangup', cause, causeText: 'Normal Clearing' });
  }
  reconnect(): void {
    this.connected = true;
    for (const listener of this.connectedListeners) listener();
  }
  commandsFor(channelId: string): string[] {
    return this.commands.filter((command) => command.channelId === channelId).map((command) => command.op);
  }
  bridgeOf(channelId: string): string | null {
    for (const [bridgeId, members] of this.bridges) if (members.has(channelId)) return bridgeId;
    return null;
  }

  // ---- the port ----

  async originate(request: OriginateRequest): Promise<void> {
    this.command('originate', { channelId: request.channelId, args: request });
    this.originated.push(request);
    this.channels.add(request.channelId);
  }
  async createChannel(request: CreateChannelRequest): Promise<void> {
    this.command('createChannel', { channelId: request.channelId, args: request });
    this.originated.push(request);
    this.channels.add(request.channelId);
  }
  async dial(channelId: string, timeoutSeconds: number): Promise<void> {
    this.command('dial', { channelId, args: { timeoutSeconds } }, true);
  }
  async answer(channelId: string): Promise<void> {
    this.command('answer', { channelId }, true);
  }
  async hangup(channelId: string, reason: HangupReason = 'normal'): Promise<void> {
    this.command('hangup', { channelId, args: { reason } }, true);
    // Asterisk confirms with ChannelDestroyed; the event comes after the request returns.
    queueMicrotask(() => this.emit(channelId, { kind: 'hangup', cause: 16, causeText: 'Normal Clearing' }));
  }
  async reject(channelId: string, sipCode: number): Promise<void> {
    this.command('reject', { channelId, args: { sipCode } }, true);
    queueMicrotask(() =>
      this.emit(channelId, { kind: 'hangup', cause: 21, causeText: 'Call Rejected', sipCode }),
    );
  }
  async play(channelId: string, playbackId: string, media: string): Promise<void> {
    this.command('play', { channelId, args: { playbackId, media } }, true);
  }
  async sendDtmf(channelId: string, digits: string, timing: DtmfTiming): Promise<void> {
    this.command('sendDtmf', { channelId, args: { digits, timing } }, true);
  }
  async stopPlayback(playbackId: string): Promise<void> {
    this.command('stopPlayback', { args: { playbackId } });
  }
  async record(channelId: string, request: RecordRequest): Promise<void> {
    this.command('record', { channelId, args: request }, true);
  }
  async stopRecording(name: string): Promise<void> {
    this.command('stopRecording', { args: { name } });
  }
  async pauseRecording(name: string): Promise<void> {
    this.command('pauseRecording', { args: { name } });
  }
  async resumeRecording(name: string): Promise<void> {
    this.command('resumeRecording', { args: { name } });
  }
  async takeRecording(name: string): Promise<Buffer> {
    this.command('takeRecording', { args: { name } });
    return this.recordingFiles.get(name) ?? Buffer.alloc(0);
  }
  async indicateRinging(channelId: string): Promise<void> {
    this.command('indicateRinging', { channelId }, true);
  }
  async answerHeaders(channelId: string): Promise<Record<string, string>> {
    this.command('answerHeaders', { channelId });
    return {};
  }
  async mute(channelId: string, direction: AudioDirection): Promise<void> {
    this.command('mute', { channelId, args: { direction } }, true);
    const muted = this.muted.get(channelId) ?? new Set<'in' | 'out'>();
    for (const way of direction === 'both' ? (['in', 'out'] as const) : [direction]) muted.add(way);
    this.muted.set(channelId, muted);
  }
  async unmute(channelId: string, direction: AudioDirection): Promise<void> {
    this.command('unmute', { channelId, args: { direction } }, true);
    const muted = this.muted.get(channelId);
    for (const way of direction === 'both' ? (['in', 'out'] as const) : [direction]) muted?.delete(way);
  }
  async hold(channelId: string, options: HoldOptions): Promise<void> {
    this.command('hold', { channelId, args: options }, true);
    this.held.set(channelId, options);
  }
  async unhold(channelId: string): Promise<void> {
    this.command('unhold', { channelId }, true);
    this.held.delete(channelId);
  }
  async redirect(channelId: string, target: DialTarget): Promise<void> {
    this.command('redirect', { channelId, args: target }, true);
  }
  async reportTransferProgress(channelId: string, progress: TransferProgress): Promise<void> {
    this.command('reportTransferProgress', { channelId, args: { progress } }, true);
    this.transferProgress.push({ channelId, progress });
  }
  /** The test gives the verdict with `emit(channelId, { kind: 'machine-detected', ... })`. */
  async detectMachine(channelId: string, request: MachineDetectionRequest): Promise<void> {
    this.command('detectMachine', { channelId, args: request }, true);
    this.channels.add(request.detectorChannelId);
  }
  async snoop(channelId: string, request: SnoopRequest): Promise<void> {
    this.command('snoop', { channelId, args: request }, true);
    this.channels.add(request.snoopChannelId);
  }
  async exportMedia(channelId: string, request: MediaExportRequest): Promise<MediaExport> {
    this.command('exportMedia', { channelId, args: request }, true);
    this.channels.add(request.exportChannelId);
    return {
      asteriskRtpAddress: '127.0.0.1:0',
      stop: async () => void this.channels.delete(request.exportChannelId),
    };
  }
  async startMusicOnHold(channelId: string): Promise<void> {
    this.command('startMusicOnHold', { channelId }, true);
  }
  async stopMusicOnHold(channelId: string): Promise<void> {
    this.command('stopMusicOnHold', { channelId });
  }
  async createBridge(bridgeId: string): Promise<void> {
    this.command('createBridge', { bridgeId });
    this.bridges.set(bridgeId, new Set());
  }
  async addToBridge(bridgeId: string, channelId: string): Promise<void> {
    this.command('addToBridge', { bridgeId, channelId }, true);
    const members = this.bridges.get(bridgeId);
    if (!members) throw new TelephonyError(`Add to bridge failed: bridge ${bridgeId} not found`);
    // A channel is in one bridge at a time: Asterisk moves it out of the one it was in.
    const previous = this.bridgeOf(channelId);
    if (previous === bridgeId) return;
    if (previous) this.leaveBridge(previous, channelId);
    members.add(channelId);
    queueMicrotask(() => this.emit(channelId, { kind: 'entered-bridge', bridgeId }));
  }
  async removeFromBridge(bridgeId: string, channelId: string): Promise<void> {
    this.command('removeFromBridge', { bridgeId, channelId });
    if (this.bridges.get(bridgeId)?.has(channelId)) this.leaveBridge(bridgeId, channelId);
  }
  async destroyBridge(bridgeId: string): Promise<void> {
    this.command('destroyBridge', { bridgeId });
    for (const channelId of this.bridges.get(bridgeId) ?? []) this.leaveBridge(bridgeId, channelId);
    this.bridges.delete(bridgeId);
  }
  async playToBridge(bridgeId: string, playbackId: string, media: string): Promise<void> {
    this.command('playToBridge', { bridgeId, args: { playbackId, media } });
  }
  async recordBridge(bridgeId: string, request: RecordRequest): Promise<void> {
    this.command('recordBridge', { bridgeId, args: request });
  }
  async labelChannel(channelId: string, labels: ChannelLabels): Promise<void> {
    this.command('labelChannel', { channelId, args: labels }, true);
    this.labels.set(channelId, { ...this.labels.get(channelId), ...labels });
  }
  async inventory(): Promise<TelephonyInventory> {
    return {
      channelIds: new Set(this.channels),
      bridges: [...this.bridges].map(([bridgeId, members]) => ({ bridgeId, channelIds: [...members] })),
    };
  }
  async resumeChannel(channelId: string): Promise<void> {
    this.command('resumeChannel', { channelId }, true);
  }
  async hangupTime(): Promise<Date | null> {
    return null;
  }
  release(): void {
    this.command('release', {});
  }

  private command(op: string, command: Omit<GatewayCommand, 'op'>, needsChannel = false): void {
    if (!this.connected) throw new TelephonyError(`${op} failed: Asterisk is not connected`);
    if (this.failing.has(op)) throw new TelephonyError(`${op} failed: refused by the test`);
    if (needsChannel && command.channelId && !this.channels.has(command.channelId))
      throw new TelephonyError(`${op} failed: Channel not found`);
    this.commands.push({ op, ...command });
  }

  private leaveBridge(bridgeId: string, channelId: string): void {
    this.bridges.get(bridgeId)?.delete(channelId);
    queueMicrotask(() => this.emit(channelId, { kind: 'left-bridge', bridgeId }));
  }

  private dropChannel(channelId: string): void {
    if (!this.channels.delete(channelId)) return;
    const bridgeId = this.bridgeOf(channelId);
    if (bridgeId) this.bridges.get(bridgeId)?.delete(channelId);
    this.held.delete(channelId);
    this.muted.delete(channelId);
  }
}
