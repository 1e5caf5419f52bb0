import { Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { abortableDelay, SerialQueue } from '../common/serial-queue';
import { NotificationLevel } from '../notifications/notification.entity';
import { NotificationCode } from '../notifications/notification-codes';
import { NotificationsService } from '../notifications/notifications.service';
import { MediaFetchError } from '../media/play-media.service';
import { RcmlApplication, RcmlApplicationService, RcmlTarget } from '../rcml/rcml-application.service';
import type {
  ConferenceRequest,
  DialRequest,
  DialResult,
  HttpMethod,
  ProgressCallback,
  RecordingRequest,
  RecordingResult,
  VerbContext,
} from '../rcml/verbs/verb';
import {
  ChannelEvent,
  ChannelWatch,
  DialTarget,
  TelephonyGateway,
} from '../telephony/telephony-gateway.port';
import { WebhookClient, WebhookError } from '../webhooks/webhook-client.service';
import type { CallEntity } from '../call-control/legs/call.entity';
import { callRequestParams } from './call-request-params';
import { CallSignal, isTerminal, nextStatus } from '../call-control/legs/call-state-machine';
import { CallDirection, CallStatus } from '../call-control/legs/call-status';
import { ChannelMedia } from './channel-media';
import { API_CALL_HOPS } from './limits/hop-policy';
import { ProgressReporter, storedProgressEvents } from './progress-reporter';

export interface CallStore {
  update(sid: string, patch: Partial<CallEntity>): Promise<void>;
}

/** Turns text into audio Asterisk can fetch over HTTP. */
export interface SpeechSource {
  prepareSpeech(request: { text: string; voice: string; language: string }): Promise<{ url: string }>;
}

/** Fetches an app server's audio through the platform and gives the URL Asterisk plays it from. */
export interface MediaSource {
  prepare(request: { accountSid: string; signingKey: string; url: string }): Promise<{ url: string }>;
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

/** Runs the parts of RCML that involve other calls: Dial and Conference. */
export interface CallConnector {
  /** `document` aborts when the caller's document is replaced (live modification). */
  dial(caller: CallSession, request: DialRequest, document: AbortSignal): Promise<DialResult>;
  joinConference(caller: CallSession, request: ConferenceRequest, document: AbortSignal): Promise<DialResult>;
}

/** Told when a Dial leg is answered and when it ends. */
export interface DialLegObserver {
  answered(leg: CallSession): void;
  ended(leg: CallSession): void;
}

export interface CallSessionOptions {
  /** Whom to call; by default the `sip:` URI in the record's To. */
  target?: DialTarget;
  headers?: Record<string, string>;
  /** Progress webhooks; by default the record's StatusCallback with its StatusCallbackEvent list. */
  progress?: ProgressCallback | null;
  /** Set for a Dial leg: it runs no RCML of its own and reports to the Dial that placed it. */
  leg?: DialLegObserver;
  /** The hop count its INVITE carries (see limits/hop-policy.ts); API calls by default. */
  hops?: number;
}

/** A live modification request, in the Calls API's terms. */
export interface CallModification {
  url?: string;
  method?: HttpMethod;
  fallbackUrl?: string;
  fallbackMethod?: HttpMethod;
  statusCallback?: string;
  statusCallbackMethod?: HttpMethod;
  status?: 'canceled' | 'completed';
  moveConnectedCallLeg?: boolean;
}

export interface CallSessionDeps {
  gateway: TelephonyGateway;
  connector: CallConnector;
  store: CallStore;
  rcml: RcmlApplicationService;
  notifications: NotificationsService;
  webhooks: WebhookClient;
  speech: SpeechSource;
  media: MediaSource;
  recordings: RecordingSink;
}

type EndedBy = Extract<CallSignal, { type: 'ended' }>['by'];

const REJECT_SIP_CODES = { busy: 486, rejected: 603 } as const;

const telephonyUnavailable = (callSid: string) =>
  new DomainError(
    DomainErrorCode.TelephonyUnavailable,
    `Asterisk is not connected; call ${callSid} cannot be changed until the connection is back. Try again later`,
  );

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
  private stopping = false;
  private readonly progress: ProgressReporter;
  /** Serialises live modifications (API requests) of this call, apart from its event queue. */
  private readonly control = new SerialQueue();
  private document: AbortController | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private moveTarget: RcmlTarget | null = null;
  private detachedFromDial = false;
  private resolveFinished!: () => void;
  /** Settles once the call is final and stored; its status callback may still be on its way. */
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(
    private readonly call: CallEntity,
    private readonly signingKey: string,
    private readonly deps: CallSessionDeps,
    private readonly options: CallSessionOptions = {},
  ) {
    this.media = new ChannelMedia(deps.gateway, () => this.call.channelId!, this.lifetime.signal);
    const progress =
      options.progress !== undefined
        ? options.progress
        : call.statusCallback
          ? {
              url: call.statusCallback,
              method: call.statusCallbackMethod as HttpMethod,
              events: storedProgressEvents(call.statusCallbackEvent),
            }
          : null;
    this.progress = new ProgressReporter(progress, (target, params) => this.deliverProgress(target, params));
  }

  get sid(): string {
    return this.call.sid;
  }

  /** A read-only view of the record as this session last stored it. */
  get snapshot(): Readonly<CallEntity> {
    return this.call;
  }

  get channelId(): string {
    return this.call.channelId!;
  }

  /** Aborts when the call ends. */
  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  get channelMedia(): ChannelMedia {
    return this.media;
  }

  get signingSecret(): string {
    return this.signingKey;
  }

  /**
   * `sound:` media for an app server's audio URL (`<Play>`, `waitUrl`), fetched by the platform; null
   * when it cannot be played, after the failure is recorded as a notification on this call.
   */
  async remoteMedia(url: string): Promise<string | null> {
    try {
      const prepared = await this.deps.media.prepare({
        accountSid: this.call.accountSid,
        signingKey: this.signingKey,
        url,
      });
      return `sound:${prepared.url}`;
    } catch (error) {
      const known = error instanceof MediaFetchError;
      await this.notify(
        known ? error.code : NotificationCode.PlaybackFailure,
        known ? error.message : `Could not fetch ${url}: ${error}`,
        NotificationLevel.Warning,
        { requestUrl: url, requestMethod: 'GET', responseBody: known ? error.responseBody : undefined },
      );
      return null;
    }
  }

  isAnswered(): boolean {
    return this.call.status === CallStatus.InProgress;
  }

  /** Ends this leg: `cancel` for a leg that lost a Dial race, `platform` for any other reason. */
  end(by: 'cancel' | 'platform' | 'no-answer-timeout'): Promise<void> {
    return this.hangup(by);
  }

  answerCall(): Promise<void> {
    return this.answer();
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
      // Queued calls ended at shutdown are ended here; the webhook client closes after them.
      await this.progress.drained();
    });
  }

  /**
   * Runs a screening document on this (answered) leg. True when the callee accepted: the document
   * ran to its end without hanging up.
   */
  async screen(url: string, method: HttpMethod, extraParams: Record<string, string>): Promise<boolean> {
    const application = this.application({ url, method }, null, extraParams);
    await this.deps.rcml.run(application, this.verbContext(application), { screening: true });
    return !this.lifetime.signal.aborted && this.endRequestedBy === null;
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
          target: this.options.target ?? { kind: 'sip', uri: this.call.to },
          callerId: this.call.from,
          timeoutSeconds: this.call.timeout + 5,
          headers: this.options.headers,
          hops: this.options.hops ?? API_CALL_HOPS,
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
      this.progress.report('initiated', this.call);
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
    void this.queue.run(() => this.startApplication());
  }

  /**
   * Takes over an answered call a previous platform process left up. Its RCML document is not
   * resumed; a live modification starts a new one once `release` (leaving a bridge, say) is done.
   * Returns the signal that aborts when that modification arrives.
   */
  readopt(release: () => Promise<void> = async () => undefined): AbortSignal {
    this.watch = this.deps.gateway.watchChannel(this.call.channelId!, (event) => this.enqueue(event));
    this.applicationStarted = true;
    const document = new AbortController();
    this.document = document;
    this.running = new Promise<void>((resolve) =>
      document.signal.addEventListener('abort', () => void release().catch(() => undefined).then(resolve)),
    );
    return document.signal;
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

  private enqueue(event: ChannelEvent): void {
    if (this.stopping) return;
    void this.queue
      .run(() => this.onChannelEvent(event))
      .catch((error) => this.logger.error(`${this.call.sid}: ${error}`));
  }

  private async onChannelEvent(event: ChannelEvent): Promise<void> {
    if (isTerminal(this.call.status)) return;
    switch (event.kind) {
      case 'ringing':
        if (await this.apply({ type: 'ringing' })) this.progress.report('ringing', this.call);
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
          {
            hangupCause: event.cause,
            sipResponseCode: answered ? 200 : (sipCode ?? null),
            ...(event.endedAt ? { endTime: event.endedAt } : {}),
          },
        );
        return;
      }
    }
  }

  private async markAnswered(): Promise<void> {
    if (!(await this.apply({ type: 'answered' }, { answerTime: new Date(), sipResponseCode: 200 }))) return;
    this.progress.report('answered', this.call);
    this.options.leg?.answered(this);
  }

  private application(
    primary: { url: string; method: HttpMethod },
    fallback: { url: string; method: HttpMethod } | null,
    extraParams: Record<string, string> = {},
  ): RcmlApplication {
    return {
      accountSid: this.call.accountSid,
      callSid: this.call.sid,
      signingKey: this.signingKey,
      primary,
      fallback,
      requestParams: () => ({ ...callRequestParams(this.call), ...extraParams }),
    };
  }

  private startApplication(): void {
    if (this.applicationStarted || !this.call.url || (this.options.leg && !this.detachedFromDial)) return;
    this.applicationStarted = true;
    const application = this.application(
      { url: this.call.url, method: this.call.method as HttpMethod },
      this.call.fallbackUrl
        ? { url: this.call.fallbackUrl, method: this.call.fallbackMethod as HttpMethod }
        : null,
    );
    const document = new AbortController();
    this.document = document;
    this.running = this.deps.rcml
      .run(application, this.verbContext(application, document.signal))
      .catch((error) => this.recoverFromCrash(error));
  }

  /** Where a connected Dial leg goes when this caller is redirected with MoveConnectedCallLeg. */
  connectedLegTarget(): RcmlTarget | null {
    return this.moveTarget;
  }

  /**
   * Live modification, one request at a time: callbacks are updated, Status ends the call, and a new
   * Url stops the running verb (playback, gather, record, dial) before the new document starts.
   */
  modify(change: CallModification): Promise<void> {
    return this.control.run(async () => {
      if (isTerminal(this.call.status)) return;
      const needsAsterisk =
        change.url !== undefined ||
        change.status === 'completed' ||
        (change.status === 'canceled' && !this.isAnswered());
      // Refused before anything changes: a 200 that hangs nothing up would be a lie.
      if (needsAsterisk && !this.deps.gateway.isConnected()) throw telephonyUnavailable(this.call.sid);
      if (change.statusCallback !== undefined) {
        const method = change.statusCallbackMethod ?? 'POST';
        await this.save({ statusCallback: change.statusCallback, statusCallbackMethod: method });
        this.progress.retarget(
          change.statusCallback,
          method,
          storedProgressEvents(this.call.statusCallbackEvent),
        );
      }
      if (change.status === 'canceled' && this.isAnswered()) return;
      if (change.status) {
        await this.hangup(this.isAnswered() ? 'platform' : 'cancel');
        await Promise.race([this.finished, abortableDelay(5000, new AbortController().signal)]);
        // The connection dropped under the hangup (the gateway drops a failed hangup quietly).
        if (!isTerminal(this.call.status) && !this.deps.gateway.isConnected())
          throw telephonyUnavailable(this.call.sid);
        return;
      }
      if (change.url) await this.switchDocument(change, change.moveConnectedCallLeg ?? false);
    });
  }

  /** A Dial leg released by its caller's redirect: it leaves the Dial and runs `target` itself. */
  redirect(target: RcmlTarget): Promise<void> {
    return this.modify({ url: target.url, method: target.method });
  }

  private async switchDocument(change: CallModification, moveConnectedLeg: boolean): Promise<void> {
    const target: RcmlTarget = { url: change.url!, method: change.method ?? 'POST' };
    await this.save({
      url: target.url,
      method: target.method,
      fallbackUrl: change.fallbackUrl ?? null,
      fallbackMethod: change.fallbackMethod ?? 'POST',
    });
    this.moveTarget = moveConnectedLeg ? target : null;
    this.document?.abort();
    await this.running;
    this.moveTarget = null;
    if (this.lifetime.signal.aborted) return;
    this.detachedFromDial = true;
    this.applicationStarted = false;
    // An unanswered outbound call starts the new document once answered.
    if (this.isAnswered() || this.call.direction === CallDirection.Inbound) this.startApplication();
  }

  /** Whatever went wrong inside, the call ends cleanly and the failure is on record if it still can be. */
  private async recoverFromCrash(error: unknown): Promise<void> {
    if (this.stopping) return;
    this.logger.error(`RCML on ${this.call.sid} crashed: ${error instanceof Error ? error.stack : error}`);
    try {
      await this.notify(NotificationCode.TelephonyFailure, 'Internal error while running RCML');
    } catch (notifyError) {
      this.logger.error(`Recording the failure of ${this.call.sid} failed too: ${notifyError}`);
    }
    await this.hangup('platform').catch(() => undefined);
  }

  /**
   * The platform is shutting down and leaves this call up for the next process: nothing more is
   * sent to Asterisk (the gateway is released first) or stored for it.
   */
  detach(): void {
    this.stopping = true;
    this.clearNoAnswerTimer();
    this.watch?.stop();
    this.lifetime.abort();
  }

  /** The platform is shutting down: the call is hung up and nothing more is stored for it. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.lifetime.abort();
    await this.hangup('platform').catch(() => undefined);
  }

  private verbContext(
    application: RcmlApplication,
    document: AbortSignal = this.lifetime.signal,
  ): VerbContext {
    const signal = AbortSignal.any([this.lifetime.signal, document]);
    return {
      signal,
      answer: () => this.answer(),
      pause: (seconds, pauseSignal) =>
        abortableDelay(seconds * 1000, pauseSignal ? AbortSignal.any([pauseSignal, signal]) : signal),
      hangup: () => this.hangup('platform'),
      reject: (reason) => this.reject(REJECT_SIP_CODES[reason]),
      play: (media, playSignal) =>
        this.warnIfFailed(
          this.media.play(media, playSignal).catch(() => true),
          `Could not play ${media}`,
          signal,
        ),
      sendDtmf: (digits) =>
        this.warnIfFailed(
          this.media.sendDtmf(digits, signal).then(
            () => false,
            () => true,
          ),
          `Could not send DTMF ${digits}`,
          signal,
        ),
      remoteMedia: (url) => this.remoteMedia(url),
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
      collectDigits: (request) => this.media.collectDigits(request, signal),
      record: (request) => this.record(request, signal),
      notifyApp: (url, method, params) => this.deps.rcml.notify(application, { url, method }, params),
      dial: (request) => this.deps.connector.dial(this, request, signal),
      joinConference: (request) => this.deps.connector.joinConference(this, request, signal),
    };
  }

  /** Playback or DTMF that failed is a warning on the call (unless the call or document ended); the RCML goes on. */
  private async warnIfFailed(failed: Promise<boolean>, message: string, signal: AbortSignal): Promise<void> {
    if ((await failed) && !signal.aborted)
      await this.notify(NotificationCode.PlaybackFailure, message, NotificationLevel.Warning);
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

  private async record(request: RecordingRequest, stop: AbortSignal): Promise<RecordingResult | null> {
    const name = `${this.call.sid}-${++this.recordingCount}`;
    try {
      const result = await this.media.record(name, request, stop);
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
    endTime = new Date(),
  ): Promise<void> {
    this.clearNoAnswerTimer();
    this.lifetime.abort();
    this.watch?.stop();
    // A vanished channel brings the moment ARI was lost, a recovered one Asterisk's noted time; never
    // before the call was answered or placed.
    const known = patch.endTime ?? endTime;
    const floor = this.call.answerTime ?? this.call.startTime;
    const ended = floor && known < floor ? floor : known;
    const duration = this.call.answerTime
      ? Math.round((ended.getTime() - this.call.answerTime.getTime()) / 1000)
      : 0;
    const changed = await this.apply(signal, { ...patch, endTime: ended, duration });
    if (changed) {
      this.options.leg?.ended(this);
      this.progress.report('completed', this.call);
    }
    this.resolveFinished();
  }

  /** A failing callback server is on record as notification 15003; it never stops the call. */
  private async deliverProgress(target: ProgressCallback, params: Record<string, string>): Promise<void> {
    try {
      await this.deps.webhooks.send({
        url: target.url,
        method: target.method,
        params,
        signingKey: this.signingKey,
      });
    } catch (error) {
      if (!(error instanceof WebhookError)) {
        this.logger.error(`Progress callback of ${this.call.sid} failed: ${error}`);
        return;
      }
      await this.notify(NotificationCode.StatusCallbackFailure, error.message, NotificationLevel.Warning, {
        requestUrl: target.url,
        requestMethod: target.method,
        responseBody: error.response?.body,
      }).catch((notifyError) => this.logger.error(`${this.call.sid}: ${notifyError}`));
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
