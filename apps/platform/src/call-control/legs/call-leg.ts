import { Logger } from '@nestjs/common';
import { NotificationCode, NotificationLevel } from '../../common/notification-codes';
import { SerialQueue } from '../../common/serial-queue';
import { ChannelEvent, ChannelWatch, TelephonyGateway } from '../../telephony/telephony-gateway.port';
import type { ConversationMember } from '../conversations/conversation-member';
import type { LegProgress } from '../events/call-event';
import { CallEventBus } from '../events/call-event-bus';
import { NotificationSink } from '../ports/notification-sink.port';
import type { CallEntity } from './call.entity';
import { CallRecords, RecordPatch } from './call-records';
import { CallSignal, isTerminal } from './call-state-machine';
import { CallDirection, CallStatus } from './call-status';
import type { CallLegOptions } from './call-leg-options';
import { SetupStatusLines } from './sip-status-line';
import { ChannelMedia } from './channel-media';
import { callEnd } from './call-end-time';

export type EndedBy = Extract<CallSignal, { type: 'ended' }>['by'];
export type { LegProgress };

/** Told about a leg's life at once (the event bus hears it later); none may block the leg. */
export interface LegObserver {
  answered?(leg: CallLeg): void;
  ended?(leg: CallLeg): void;
  /** Channel events the leg itself does not consume (bridges, phone hold, transfer requests). */
  channelEvent?(leg: CallLeg, event: ChannelEvent): void;
}

/**
 * What runs on a leg once the platform controls its channel: an RCML document, or nothing for a PBX
 * leg. `underControl` is called when an inbound leg is adopted and when an outbound leg enters the app.
 */
export interface LegProgram {
  underControl(): void;
}

export interface CallLegDeps {
  gateway: TelephonyGateway;
  records: CallRecords;
  notifications: NotificationSink;
  events: CallEventBus;
}

export type { CallLegOptions } from './call-leg-options';

/** Leg events the leg handles itself; the rest go to observers. */
const MEDIA_EVENTS = new Set(['dtmf', 'playback-finished', 'recording-finished']);

/**
 * One call leg: one Asterisk channel and its record. Channel events and commands are handled one at a
 * time, in order; every status change goes through the state machine and is stored before any observer
 * hears of it. A leg knows nothing of RCML: a program may be attached to it.
 */
export class CallLeg implements ConversationMember {
  private readonly logger = new Logger(CallLeg.name);
  private readonly queue = new SerialQueue();
  private readonly lifetime = new AbortController();
  private readonly observers: LegObserver[] = [];
  readonly media: ChannelMedia;
  private program: LegProgram | null = null;
  private watch: ChannelWatch | null = null;
  private noAnswerTimer: NodeJS.Timeout | null = null;
  private endRequestedBy: EndedBy | null = null;
  private rejectedWith: number | null = null;
  private detached = false;
  private readonly statusLines = new SetupStatusLines();
  private resolveFinished!: () => void;
  /** Settles once the call is final and stored; its status callback may still be on its way. */
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(
    private readonly call: CallEntity,
    private readonly deps: CallLegDeps,
    private readonly options: CallLegOptions,
  ) {
    this.media = new ChannelMedia(deps.gateway, () => this.call.channelId!, this.lifetime.signal);
  }

  get sid(): string {
    return this.call.sid;
  }

  get accountSid(): string {
    return this.call.accountSid;
  }

  get callSid(): string {
    return this.call.sid;
  }

  /** Aborts when the call ends (before its final status is published), as a conversation party needs. */
  get ended(): AbortSignal {
    return this.lifetime.signal;
  }

  /** A read-only view of the record as this leg last stored it. */
  get snapshot(): Readonly<CallEntity> {
    return this.call;
  }

  get channelId(): string {
    return this.call.channelId!;
  }

  /**
   * The SIP responses to the INVITE of an outbound leg, as status lines (`SIP/2.0 180 Ringing`), in
   * order: provisional ones as the far end phrased them, then the final one (its phrase standard).
   */
  get sipStatusLines(): readonly string[] {
    return this.statusLines.lines;
  }

  get hops(): number {
    return this.options.hops;
  }

  /** Aborts when the call ends, or when this process lets go of it (shutdown). */
  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  /** True once this process let go of the call (shutdown): nothing more is sent or stored for it. */
  get isDetached(): boolean {
    return this.detached;
  }

  /** True once something asked this leg to end (a hangup or reject is on its way). */
  get isEnding(): boolean {
    return this.endRequestedBy !== null;
  }

  isAnswered(): boolean {
    return this.call.status === CallStatus.InProgress;
  }

  observe(observer: LegObserver): () => void {
    this.observers.push(observer);
    return () => {
      const index = this.observers.indexOf(observer);
      if (index >= 0) this.observers.splice(index, 1);
    };
  }

  attachProgram(program: LegProgram | null): void {
    this.program = program;
  }

  /** Stores a change of the record (never its status: see CallRecords.transition). */
  update(patch: RecordPatch): Promise<void> {
    return this.deps.records.patch(this.call, patch);
  }

  /** Places the outbound leg. */
  start(): Promise<void> {
    return this.queue.run(async () => {
      const { gateway } = this.deps;
      const channelId = gateway.newChannelId();
      const from = this.options.callerId ?? this.call.from;
      this.watch = gateway.watchChannel(channelId, (event) => this.enqueue(event));
      // With one Asterisk its name is known now and rides on this write (no extra one after placing).
      await this.update({ channelId, startTime: new Date(), asteriskServer: gateway.soleServer() });
      try {
        await gateway.originate({
          channelId,
          target: this.options.target ?? { kind: 'sip', uri: this.call.to },
          callerId: this.options.callerName ? `"${this.options.callerName}" <${from}>` : from,
          timeoutSeconds: this.call.timeout + 5,
          headers: this.options.headers,
          hops: this.options.hops,
          followRedirects: this.options.followRedirects,
          traceSetupResponses: this.options.traceSetupResponses,
          labels: { callSid: this.call.sid, parentCallSid: this.call.parentCallSid ?? undefined },
        });
      } catch (error) {
        await this.notify(
          NotificationCode.TelephonyFailure,
          error instanceof Error ? error.message : String(error),
        );
        await this.finish({ type: 'ended', by: 'error', cause: 0 });
        return;
      }
      const asteriskServer = gateway.serverOf(channelId);
      if (asteriskServer && asteriskServer !== this.call.asteriskServer)
        await this.update({ asteriskServer });
      // Hung up while the INVITE was being sent (a ring-all leg that lost): the channel exists only now.
      if (this.endRequestedBy) void gateway.hangup(channelId, 'normal').catch(() => undefined);
      this.report('initiated');
      this.noAnswerTimer = setTimeout(
        () => void this.queue.run(() => this.giveUpRinging()),
        this.call.timeout * 1000,
      );
    });
  }

  /**
   * Takes over an inbound channel that is already in the app. Must be called in the same tick as the
   * gateway's incoming-channel callback; `earlier` are the events that arrived before the record existed.
   */
  adoptInbound(earlier: ChannelEvent[]): void {
    this.watch = this.deps.gateway.watchChannel(this.call.channelId!, (event) => this.enqueue(event));
    for (const event of earlier) this.enqueue(event);
    void this.deps.gateway
      .labelChannel(this.call.channelId!, { callSid: this.call.sid })
      .catch((error) => this.logger.warn(`${this.call.sid}: labelling the channel failed: ${error}`));
    void this.queue.run(() => {
      // An inbound call is set up and ringing by the time it is adopted: both moments at once.
      this.report('initiated');
      this.report('ringing');
      this.program?.underControl();
    });
  }

  /** Takes over an answered call a previous platform process left up; its events flow again. */
  readopt(): void {
    this.watch = this.deps.gateway.watchChannel(this.call.channelId!, (event) => this.enqueue(event));
  }

  /**
   * Closes, through the state machine, a call whose channel ended while no process watched it:
   * `endTime` is when it ended, as best known; the final status callback is sent.
   */
  closeLost(endTime: Date, message: string): Promise<void> {
    return this.queue.run(async () => {
      if (isTerminal(this.call.status)) return;
      await this.notify(NotificationCode.TelephonyFailure, message, NotificationLevel.Warning);
      const by = this.call.channelId ? 'remote' : 'error';
      await this.finish({ type: 'ended', by, cause: 0 }, {}, endTime);
    });
  }

  /**
   * Ends a call that is never dialed: `error` for a leg that cannot be (an unregistered client, with
   * the SIP code that says why) or a queued call the platform could not dial, `cancel` for a queued
   * call canceled through the API.
   */
  endBeforeDialing(by: 'error' | 'cancel', sipCode: number | null, message?: string): Promise<void> {
    return this.queue.run(async () => {
      if (message) await this.notify(NotificationCode.TelephonyFailure, message, NotificationLevel.Warning);
      const startTime = by === 'error' ? { startTime: new Date() } : {};
      await this.finish({ type: 'ended', by, cause: 0 }, { sipResponseCode: sipCode, ...startTime });
    });
  }

  /** Inbound calls are answered by the first verb that needs media; outbound calls already are. */
  async answer(): Promise<void> {
    if (this.call.status === CallStatus.InProgress || isTerminal(this.call.status)) return;
    await this.deps.gateway.answer(this.call.channelId!);
    await this.queue.run(() => this.markAnswered());
  }

  /** Refuses an unanswered call with an exact SIP response (an answered one is hung up). */
  async reject(sipCode: number): Promise<void> {
    if (this.call.status === CallStatus.InProgress) return this.hangup('platform');
    this.rejectedWith = sipCode;
    this.endRequestedBy = 'platform';
    try {
      await this.deps.gateway.reject(this.call.channelId!, sipCode);
    } catch (error) {
      this.logger.warn(`${this.call.sid}: reject failed (${error}); hanging up instead`);
      await this.deps.gateway.hangup(this.call.channelId!, sipCode === 486 ? 'busy' : 'rejected');
    }
  }

  /** Ends this leg; `by` says why (`cancel` for a leg that lost a Dial race). */
  async hangup(by: EndedBy = 'platform'): Promise<void> {
    this.endRequestedBy ??= by;
    if (this.call.channelId) {
      await this.deps.gateway.hangup(
        this.call.channelId,
        by === 'no-answer-timeout' ? 'no_answer' : 'normal',
      );
    }
  }

  /**
   * The platform is shutting down and leaves this call up for the next process: nothing more is
   * sent to Asterisk (the gateway is released first) or stored for it.
   */
  detach(): void {
    this.detached = true;
    this.clearNoAnswerTimer();
    this.watch?.stop();
    this.lifetime.abort();
  }

  /** The platform is shutting down: the call is hung up and nothing more is stored for it. */
  async shutdown(): Promise<void> {
    this.detached = true;
    this.clearNoAnswerTimer();
    this.lifetime.abort();
    await this.hangup('platform').catch(() => undefined);
  }

  async notify(
    code: NotificationCode,
    message: string,
    level = NotificationLevel.Error,
    request: { requestUrl?: string; requestMethod?: string; responseBody?: string } = {},
  ): Promise<void> {
    await this.deps.notifications.record({
      accountSid: this.call.accountSid,
      callSid: this.call.sid,
      level,
      code,
      message,
      ...request,
    });
  }

  private enqueue(event: ChannelEvent): void {
    if (this.detached) return;
    void this.queue
      .run(() => this.onChannelEvent(event))
      .catch((error) => this.logger.error(`${this.call.sid}: ${error}`));
  }

  private async onChannelEvent(event: ChannelEvent): Promise<void> {
    if (isTerminal(this.call.status)) return;
    if (MEDIA_EVENTS.has(event.kind)) return this.media.handle(event);
    switch (event.kind) {
      case 'ringing':
        // The Call-ID rides on the state change's own write when it is new.
        if (await this.apply({ type: 'ringing' }, this.newSipCallId(event.sipCallId))) this.report('ringing');
        else await this.noteSipCallId(event.sipCallId);
        return;
      case 'setup-response':
        this.statusLines.add(event.statusLine);
        this.deps.events.publish(this, {
          type: 'leg.sip-response',
          sipCode: event.sipCode,
          statusLine: event.statusLine,
        });
        this.tell((observer) => observer.channelEvent?.(this, event));
        return;
      case 'answered':
        if (this.call.direction !== CallDirection.Inbound) this.statusLines.addFinal(200);
        this.clearNoAnswerTimer();
        await this.markAnswered(event.sipCallId);
        return;
      case 'entered-app':
        await this.noteSipCallId(event.sipCallId);
        this.program?.underControl();
        return;
      case 'left-app':
        // A rejected inbound call leaves the app for the dialplan that sends the SIP response.
        if (this.rejectedWith !== null) {
          await this.finish(
            { type: 'ended', by: 'remote', cause: 21, sipCode: this.rejectedWith },
            { sipResponseCode: this.rejectedWith },
          );
        }
        return;
      case 'hangup': {
        if (event.vanished) await this.notify(NotificationCode.TelephonyFailure, event.causeText);
        const answered = this.call.status === CallStatus.InProgress;
        const sipCode = this.rejectedWith ?? event.sipCode;
        if (!answered && sipCode && sipCode >= 300 && this.call.direction !== CallDirection.Inbound)
          this.statusLines.addFinal(sipCode);
        await this.finish(
          { type: 'ended', by: this.endRequestedBy ?? 'remote', cause: event.cause, sipCode },
          {
            ...this.newSipCallId(event.sipCallId),
            hangupCause: event.cause,
            sipResponseCode: answered ? 200 : (sipCode ?? null),
            ...(event.endedAt ? { endTime: event.endedAt } : {}),
          },
        );
        return;
      }
      default:
        this.tell((observer) => observer.channelEvent?.(this, event));
    }
  }

  private newSipCallId(sipCallId: string | undefined): RecordPatch {
    return sipCallId && !this.call.sipCallId ? { sipCallId } : {};
  }

  private async noteSipCallId(sipCallId: string | undefined): Promise<void> {
    if (sipCallId && !this.call.sipCallId) await this.update({ sipCallId });
  }

  private async markAnswered(sipCallId?: string): Promise<void> {
    const patch = { ...this.newSipCallId(sipCallId), answerTime: new Date(), sipResponseCode: 200 };
    if (!(await this.apply({ type: 'answered' }, patch))) return this.noteSipCallId(sipCallId);
    this.report('answered');
    this.tell((observer) => observer.answered?.(this));
  }

  private async giveUpRinging(): Promise<void> {
    this.noAnswerTimer = null;
    if (isTerminal(this.call.status) || this.call.status === CallStatus.InProgress) return;
    await this.hangup('no-answer-timeout');
  }

  private apply(signal: CallSignal, patch: RecordPatch = {}): Promise<boolean> {
    return this.deps.records.transition(this.call, signal, patch);
  }

  private async finish(
    signal: Extract<CallSignal, { type: 'ended' }>,
    patch: RecordPatch = {},
    endTime = new Date(),
  ): Promise<void> {
    this.clearNoAnswerTimer();
    this.lifetime.abort();
    this.watch?.stop();
    const changed = await this.apply(signal, { ...patch, ...callEnd(this.call, patch.endTime ?? endTime) });
    if (changed) {
      this.tell((observer) => observer.ended?.(this));
      this.report('completed');
    }
    this.resolveFinished();
  }

  /** Publishes the moment on the event bus, with a copy of the record as it is now. */
  private report(moment: LegProgress): void {
    const call = this.call;
    this.deps.events.publish(this, {
      type: 'leg.status',
      status: call.status,
      moment,
      record: { ...call },
      ...(call.sipResponseCode !== null && call.sipResponseCode !== undefined
        ? { sipCode: call.sipResponseCode }
        : {}),
      ...(moment === 'completed' ? { durationSeconds: call.duration ?? 0 } : {}),
    });
  }

  /** An observer that throws is a bug of its own: the leg and the other observers go on. */
  private tell(notify: (observer: LegObserver) => void): void {
    for (const observer of [...this.observers]) {
      try {
        notify(observer);
      } catch (error) {
        this.logger.error(`${this.call.sid}: an observer failed: ${error}`);
      }
    }
  }

  private clearNoAnswerTimer(): void {
    if (this.noAnswerTimer) clearTimeout(this.noAnswerTimer);
    this.noAnswerTimer = null;
  }
}
