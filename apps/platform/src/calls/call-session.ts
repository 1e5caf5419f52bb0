import { Logger } from '@nestjs/common';
import { abortableDelay, SerialQueue } from '../common/serial-queue';
import { NotificationLevel } from '../notifications/notification.entity';
import { NotificationCode } from '../notifications/notification-codes';
import { NotificationsService } from '../notifications/notifications.service';
import { RcmlApplication, RcmlApplicationService } from '../rcml/rcml-application.service';
import type { HttpMethod, RecordingRequest, RecordingResult, VerbContext } from '../rcml/verbs/verb';
import { ChannelEvent, ChannelWatch, TelephonyGateway } from '../telephony/telephony-gateway.port';
import { WebhookClient, WebhookError } from '../webhooks/webhook-client.service';
import type { CallEntity } from './call.entity';
import { callRequestParams } from './call-request-params';
import { CallSignal, isTerminal, nextStatus } from './call-state-machine';
import { CallStatus } from './call-status';
import { ChannelMedia } from './channel-media';

export interface CallStore {
  update(sid: string, patch: Partial<CallEntity>): Promise<void>;
}

/** Turns text into audio Asterisk can fetch over HTTP. */
export interface SpeechSource {
  prepareSpeech(request: { text: string; voice: string; language: string }): Promise<{ url: string }>;
}

/** Keeps recordings on the platform's side. */
export interface RecordingSink {
  store(request: {
    accountSid: string;
    callSid: string;
    durationSeconds: number;
    audio: Buffer;
    source: string;
  }): Promise<{ sid: string }>;
  mediaUrl(recording: { sid: string; accountSid: string }): string;
}

export interface CallSessionDeps {
  gateway: TelephonyGateway;
  store: CallStore;
  rcml: RcmlApplicationService;
  notifications: NotificationsService;
  webhooks: WebhookClient;
  speech: SpeechSource;
  recordings: RecordingSink;
}

type EndedBy = Extract<CallSignal, { type: 'ended' }>['by'];

const REJECT_SIP_CODES = { busy: 486, rejected: 603 } as const;

/**
 * One live call leg. Channel events and commands are handled one at a time, in order, and every
 * status change goes through the state machine and is stored before anything reacts to it.
 */
export class CallSession {
  private readonly logger = new Logger(CallSession.name);
  private readonly queue = new SerialQueue();
  private readonly lifetime = new AbortController();
  private readonly media: ChannelMedia;
  private watch: ChannelWatch | null = null;
  private noAnswerTimer: NodeJS.Timeout | null = null;
  private endRequestedBy: EndedBy | null = null;
  private rejectedWith: number | null = null;
  private applicationStarted = false;
  private recordingCount = 0;
  private resolveFinished!: () => void;
  /** Settles once the call is final, stored and its status callback has been attempted. */
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(
    private readonly call: CallEntity,
    private readonly signingKey: string,
    private readonly deps: CallSessionDeps,
  ) {
    this.media = new ChannelMedia(deps.gateway, () => this.call.channelId!, this.lifetime.signal);
  }

  get sid(): string {
    return this.call.sid;
  }

  /** Places the outbound leg. */
  start(): Promise<void> {
    return this.queue.run(async () => {
      const { gateway } = this.deps;
      const channelId = gateway.newChannelId();
      this.watch = gateway.watchChannel(channelId, (event) => this.enqueue(event));
      await this.save({ channelId, startTime: new Date() });
      try {
        await gateway.originate({
          channelId,
          sipUri: this.call.to,
          callerId: this.call.from,
          timeoutSeconds: this.call.timeout + 5,
        });
      } catch (error) {
        await this.notify(
          NotificationCode.TelephonyFailure,
          error instanceof Error ? error.message : String(error),
        );
        await this.finish({ type: 'ended', by: 'error', cause: 0 });
        return;
      }
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
    void this.queue.run(() => this.startApplication());
  }

  private enqueue(event: ChannelEvent): void {
    void this.queue
      .run(() => this.onChannelEvent(event))
      .catch((error) => this.logger.error(`${this.call.sid}: ${error}`));
  }

  private async onChannelEvent(event: ChannelEvent): Promise<void> {
    if (isTerminal(this.call.status)) return;
    switch (event.kind) {
      case 'ringing':
        await this.apply({ type: 'ringing' });
        return;
      case 'answered':
        this.clearNoAnswerTimer();
        if (event.sipCallId && !this.call.sipCallId) await this.save({ sipCallId: event.sipCallId });
        await this.markAnswered();
        return;
      case 'entered-app':
        if (event.sipCallId && !this.call.sipCallId) await this.save({ sipCallId: event.sipCallId });
        this.startApplication();
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
      case 'dtmf':
      case 'playback-finished':
      case 'recording-finished':
        this.media.handle(event);
        return;
      case 'hangup': {
        if (event.sipCallId && !this.call.sipCallId) await this.save({ sipCallId: event.sipCallId });
        if (event.vanished) await this.notify(NotificationCode.TelephonyFailure, event.causeText);
        const answered = this.call.status === CallStatus.InProgress;
        const sipCode = this.rejectedWith ?? event.sipCode;
        await this.finish(
          { type: 'ended', by: this.endRequestedBy ?? 'remote', cause: event.cause, sipCode },
          { hangupCause: event.cause, sipResponseCode: answered ? 200 : (sipCode ?? null) },
        );
        return;
      }
    }
  }

  private async markAnswered(): Promise<void> {
    await this.apply({ type: 'answered' }, { answerTime: new Date(), sipResponseCode: 200 });
  }

  private startApplication(): void {
    if (this.applicationStarted || !this.call.url) return;
    this.applicationStarted = true;
    const application: RcmlApplication = {
      accountSid: this.call.accountSid,
      callSid: this.call.sid,
      signingKey: this.signingKey,
      primary: { url: this.call.url, method: this.call.method as HttpMethod },
      fallback: this.call.fallbackUrl
        ? { url: this.call.fallbackUrl, method: this.call.fallbackMethod as HttpMethod }
        : null,
      requestParams: () => callRequestParams(this.call),
    };
    this.deps.rcml.run(application, this.verbContext(application)).catch(async (error) => {
      this.logger.error(`RCML on ${this.call.sid} crashed: ${error instanceof Error ? error.stack : error}`);
      await this.notify(NotificationCode.TelephonyFailure, 'Internal error while running RCML');
      await this.hangup('platform');
    });
  }

  private verbContext(application: RcmlApplication): VerbContext {
    const signal = this.lifetime.signal;
    return {
      signal,
      answer: () => this.answer(),
      pause: (seconds, pauseSignal) =>
        abortableDelay(seconds * 1000, pauseSignal ? AbortSignal.any([pauseSignal, signal]) : signal),
      hangup: () => this.hangup('platform'),
      reject: (reason) => this.reject(REJECT_SIP_CODES[reason]),
      play: async (media, playSignal) => {
        const failed = await this.media.play(media, playSignal).catch(() => true);
        if (failed && !signal.aborted) {
          await this.notify(
            NotificationCode.PlaybackFailure,
            `Could not play ${media}`,
            NotificationLevel.Warning,
          );
        }
      },
      speech: async (text, voice, language) => {
        try {
          return `sound:${(await this.deps.speech.prepareSpeech({ text, voice, language })).url}`;
        } catch (error) {
          await this.notify(
            NotificationCode.SpeechFailure,
            `Text to speech failed: ${error}`,
            NotificationLevel.Warning,
          );
          return 'sound:silence/1';
        }
      },
      collectDigits: (request) => this.media.collectDigits(request),
      record: (request) => this.record(request),
      notifyApp: (url, method, params) => this.deps.rcml.notify(application, { url, method }, params),
    };
  }

  /** Inbound calls are answered by the first verb that needs media; outbound calls already are. */
  private async answer(): Promise<void> {
    if (this.call.status === CallStatus.InProgress || isTerminal(this.call.status)) return;
    await this.deps.gateway.answer(this.call.channelId!);
    await this.queue.run(() => this.markAnswered());
  }

  private async reject(sipCode: number): Promise<void> {
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

  private async record(request: RecordingRequest): Promise<RecordingResult | null> {
    const name = `${this.call.sid}-${++this.recordingCount}`;
    try {
      const result = await this.media.record(name, request);
      if (!result) return null;
      const audio = await this.deps.gateway.takeRecording(name);
      const recording = await this.deps.recordings.store({
        accountSid: this.call.accountSid,
        callSid: this.call.sid,
        durationSeconds: result.durationSeconds,
        audio,
        source: 'RecordVerb',
      });
      return {
        recordingSid: recording.sid,
        // RestComm's form: the `.wav` URL, which app servers can fetch without credentials.
        recordingUrl: `${this.deps.recordings.mediaUrl({ sid: recording.sid, accountSid: this.call.accountSid })}.wav`,
        durationSeconds: result.durationSeconds,
        digits: result.digits,
      };
    } catch (error) {
      await this.notify(
        NotificationCode.RecordingFailure,
        `Recording failed: ${error instanceof Error ? error.message : error}`,
      );
      return null;
    }
  }

  private async giveUpRinging(): Promise<void> {
    this.noAnswerTimer = null;
    if (isTerminal(this.call.status) || this.call.status === CallStatus.InProgress) return;
    await this.hangup('no-answer-timeout');
  }

  private async hangup(by: EndedBy): Promise<void> {
    this.endRequestedBy ??= by;
    if (this.call.channelId) {
      await this.deps.gateway.hangup(
        this.call.channelId,
        by === 'no-answer-timeout' ? 'no_answer' : 'normal',
      );
    }
  }

  private async apply(signal: CallSignal, patch: Partial<CallEntity> = {}): Promise<boolean> {
    const status = nextStatus(this.call.status, signal);
    if (status === null) return false;
    await this.save({ ...patch, status });
    return true;
  }

  private async finish(
    signal: Extract<CallSignal, { type: 'ended' }>,
    patch: Partial<CallEntity> = {},
  ): Promise<void> {
    this.clearNoAnswerTimer();
    this.lifetime.abort();
    this.watch?.stop();
    const endTime = new Date();
    const duration = this.call.answerTime
      ? Math.round((endTime.getTime() - this.call.answerTime.getTime()) / 1000)
      : 0;
    const changed = await this.apply(signal, { ...patch, endTime, duration });
    if (changed) await this.sendStatusCallback();
    this.resolveFinished();
  }

  private async sendStatusCallback(): Promise<void> {
    const { statusCallback, statusCallbackMethod } = this.call;
    if (!statusCallback) return;
    const params: Record<string, string> = {
      ...callRequestParams(this.call),
      CallDuration: String(this.call.duration ?? 0),
      Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
      CallbackSource: 'call-progress-events',
      SequenceNumber: '0',
    };
    if (this.call.sipResponseCode !== null) params.SipResponseCode = String(this.call.sipResponseCode);
    try {
      await this.deps.webhooks.send({
        url: statusCallback,
        method: statusCallbackMethod as HttpMethod,
        params,
        signingKey: this.signingKey,
      });
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      await this.notify(NotificationCode.StatusCallbackFailure, error.message, NotificationLevel.Warning, {
        requestUrl: statusCallback,
        requestMethod: statusCallbackMethod,
        responseBody: error.response?.body,
      });
    }
  }

  private clearNoAnswerTimer(): void {
    if (this.noAnswerTimer) clearTimeout(this.noAnswerTimer);
    this.noAnswerTimer = null;
  }

  private async save(patch: Partial<CallEntity>): Promise<void> {
    Object.assign(this.call, patch);
    await this.deps.store.update(this.call.sid, patch);
  }

  private async notify(
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
}
