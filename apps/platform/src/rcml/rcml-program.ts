import { Logger } from '@nestjs/common';
import type { CallLeg, LegProgram } from '../call-control/legs/call-leg';
import { CallDirection } from '../call-control/legs/call-status';
import { detectMachine, storedMachineDetection } from '../call-control/legs/machine-detection';
import type {
  MediaSource,
  MediaStreamer,
  RecordingSink,
  SpeechSource,
} from '../call-control/ports/media-sources.port';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import { abortableDelay } from '../common/serial-queue';
import { MediaFetchError } from '../media/play-media.service';
import type { TelephonyGateway } from '../telephony/telephony-gateway.port';
import { callRequestParams } from './call-request-params';
import { CallStreams } from './call-streams';
import type { RcmlApplication, RcmlApplicationService, RcmlTarget } from './rcml-application.service';
import type {
  ConferenceRequest,
  DialQueueRequest,
  DialRequest,
  DialResult,
  EnqueueRequest,
  EnqueueResult,
  HttpMethod,
  RecordingRequest,
  RecordingResult,
  VerbContext,
} from './verbs/verb';
import { LiveModification } from './live-modification';
import { storedCallOptions } from '../call-control/legs/call-options';
import { CallTimeLimit } from './call-time-limit';
import { parsePlayDigits } from './verbs/play-digits';

/** Runs the parts of RCML that involve other calls: Dial and Conference. */
export interface CallConnector {
  /** `document` aborts when the caller's document is replaced (live modification). */
  dial(caller: RcmlProgram, request: DialRequest, document: AbortSignal): Promise<DialResult>;
  joinConference(caller: RcmlProgram, request: ConferenceRequest, document: AbortSignal): Promise<DialResult>;
}

/** Runs `<Enqueue>` and `<Dial><Queue>` on the core's call queues. */
export interface QueueConnector {
  enqueue(member: RcmlProgram, request: EnqueueRequest, document: AbortSignal): Promise<EnqueueResult>;
  dialQueue(caller: RcmlProgram, request: DialQueueRequest, document: AbortSignal): Promise<DialResult>;
}

export interface RcmlProgramDeps {
  gateway: TelephonyGateway;
  connector: CallConnector;
  queues: QueueConnector;
  rcml: RcmlApplicationService;
  speech: SpeechSource;
  media: MediaSource;
  recordings: RecordingSink;
  streams: MediaStreamer;
}

const REJECT_SIP_CODES = { busy: 486, rejected: 603 } as const;

/**
 * The RCML document running on one leg, and its live modification. A Dial leg's program is dormant: it
 * runs nothing until a redirect gives the leg a document of its own.
 */
export class RcmlProgram implements LegProgram {
  private readonly logger = new Logger(RcmlProgram.name);
  private started = false;
  private recordingCount = 0;
  private document: AbortController | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private digitsSent = false;
  private timeLimit: CallTimeLimit | null = null;
  readonly modification: LiveModification;
  private readonly streams: CallStreams;

  constructor(
    readonly leg: CallLeg,
    readonly signingKey: string,
    private readonly deps: RcmlProgramDeps,
    private dormant = false,
  ) {
    this.modification = new LiveModification(this, leg, deps.gateway);
    this.streams = new CallStreams(leg, signingKey, deps.streams);
    leg.attachProgram(this);
    const limit = storedCallOptions(leg.snapshot.callOptions).timeLimitSeconds;
    if (limit !== undefined) this.limitDuration(limit);
  }

  /** Hangs the call up `seconds` after its answer (Twilio's TimeLimit; a new one replaces the old). */
  limitDuration(seconds: number): void {
    this.timeLimit ??= new CallTimeLimit(this.leg);
    this.timeLimit.set(seconds);
  }

  /** Runs the record's inline document (Twiml) when it has no Url. */
  underControl(): void {
    const call = this.leg.snapshot;
    if (this.started || (!call.url && !call.twiml) || this.dormant) return;
    this.started = true;
    const application = this.application(
      { url: call.url ?? '', method: call.method as HttpMethod },
      call.url && call.fallbackUrl
        ? { url: call.fallbackUrl, method: call.fallbackMethod as HttpMethod }
        : null,
    );
    application.inline = call.url ? null : call.twiml;
    const document = new AbortController();
    this.document = document;
    this.running = this.sendDigits(document.signal)
      .then(() => this.detectWhoAnswered(application))
      .then((firstRequestParams) =>
        this.deps.rcml.run(application, this.verbContext(application, document.signal), {
          firstRequestParams,
        }),
      )
      .catch((error) => this.recoverFromCrash(error));
  }

  /**
   * Twilio's SendDigits, once, on an answered outbound call before its first document: DTMF, with
   * `w` a half-second and `W` a one-second pause.
   */
  private async sendDigits(document: AbortSignal): Promise<void> {
    const digits = storedCallOptions(this.leg.snapshot.callOptions).sendDigits;
    if (!digits || this.digitsSent || this.leg.snapshot.direction === CallDirection.Inbound) return;
    this.digitsSent = true;
    const signal = AbortSignal.any([this.leg.signal, document]);
    for (const step of parsePlayDigits(digits, true)) {
      if (signal.aborted) return;
      if (step.kind === 'wait') await abortableDelay(step.ms, signal);
      else await this.leg.media.sendDtmf(step.digits, signal).catch(() => undefined);
    }
  }

  /**
   * Twilio's MachineDetection on an answered outbound call, before its first document (whose request
   * then carries AnsweredBy and MachineDetectionDuration) or, with AsyncAmd, beside it: the verdict
   * then goes to AsyncAmdStatusCallback. Resolves with the first request's own parameters.
   */
  private async detectWhoAnswered(application: RcmlApplication): Promise<Record<string, string>> {
    const call = this.leg.snapshot;
    const settings = storedMachineDetection(call.machineDetection);
    if (!settings || call.answeredBy || call.direction === CallDirection.Inbound) return {};
    const detecting = detectMachine(this.leg, this.deps.gateway, settings);
    if (settings.async) {
      const callback = settings.asyncCallback;
      if (callback)
        void detecting.then((outcome) =>
          this.deps.rcml.notify(application, callback, {
            AnsweredBy: outcome.answeredBy,
            MachineDetectionDuration: String(outcome.durationMs),
          }),
        );
      return {};
    }
    const outcome = await detecting;
    return { MachineDetectionDuration: String(outcome.durationMs) };
  }

  /**
   * Stops the running document (its verb ends at once) and waits for it; `then` runs the new target
   * unless the call ended meanwhile. An unanswered outbound call starts it once answered.
   */
  async replaceDocument(startNew: boolean): Promise<void> {
    this.document?.abort();
    await this.running;
    if (this.leg.signal.aborted || !startNew) return;
    this.dormant = false;
    this.started = false;
    if (this.leg.isAnswered() || this.leg.snapshot.direction === CallDirection.Inbound) this.underControl();
  }

  /**
   * Takes over, after a platform restart, a call whose document cannot be resumed: a live modification
   * starts a new one once `release` (leaving a bridge, say) is done. Returns the signal that aborts
   * when that modification arrives.
   */
  readopt(release: () => Promise<void> = async () => undefined): AbortSignal {
    this.leg.readopt();
    this.started = true;
    const document = new AbortController();
    this.document = document;
    this.running = new Promise<void>((resolve) =>
      document.signal.addEventListener(
        'abort',
        () =>
          void release()
            .catch(() => undefined)
            .then(resolve),
      ),
    );
    return document.signal;
  }

  /** A Dial leg released by its caller's redirect: it leaves the Dial and runs `target` itself. */
  redirect(target: RcmlTarget): Promise<void> {
    return this.modification.apply({ url: target.url, method: target.method });
  }

  /** Where a connected Dial leg goes when this caller is redirected with MoveConnectedCallLeg. */
  connectedLegTarget(): RcmlTarget | null {
    return this.modification.moveTarget;
  }

  /**
   * Runs a screening document on this (answered) leg. True when the callee accepted: the document
   * ran to its end without hanging up.
   */
  async screen(url: string, method: HttpMethod, extraParams: Record<string, string>): Promise<boolean> {
    const application = this.application({ url, method }, null, extraParams);
    await this.deps.rcml.run(application, this.verbContext(application), { screening: true });
    return !this.leg.signal.aborted && !this.leg.isEnding;
  }

  /**
   * Runs a document beside `<Enqueue>` (a waitUrl document, or a `<Dial><Queue>` url on the dequeued
   * caller): like screening, no Dial and no hangup at its end; `signal` stops it, `<Leave>` calls
   * `leave`. `params` are taken fresh for each request (QueuePosition and friends).
   */
  async runQueueDocument(
    target: { url: string; method: HttpMethod },
    params: () => Record<string, string>,
    signal: AbortSignal,
    leave: () => boolean = () => false,
  ): Promise<void> {
    const application: RcmlApplication = {
      ...this.application(target, null),
      requestParams: () => ({ ...callRequestParams(this.leg.snapshot), ...params() }),
    };
    const context = { ...this.verbContext(application, signal), leaveQueue: leave };
    await this.deps.rcml.run(application, context, { screening: true });
  }

  /**
   * `sound:` media for an app server's audio URL (`<Play>`, `waitUrl`), fetched by the platform; null
   * when it cannot be played, after the failure is recorded as a notification on this call.
   */
  async remoteMedia(url: string): Promise<string | null> {
    try {
      const prepared = await this.deps.media.prepare({
        accountSid: this.leg.accountSid,
        signingKey: this.signingKey,
        url,
      });
      return `sound:${prepared.url}`;
    } catch (error) {
      const known = error instanceof MediaFetchError;
      await this.leg.notify(
        known ? error.code : NotificationCode.PlaybackFailure,
        known ? error.message : `Could not fetch ${url}: ${error}`,
        NotificationLevel.Warning,
        { requestUrl: url, requestMethod: 'GET', responseBody: known ? error.responseBody : undefined },
      );
      return null;
    }
  }

  private application(
    primary: { url: string; method: HttpMethod },
    fallback: { url: string; method: HttpMethod } | null,
    extraParams: Record<string, string> = {},
  ): RcmlApplication {
    return {
      accountSid: this.leg.accountSid,
      callSid: this.leg.sid,
      signingKey: this.signingKey,
      primary,
      fallback,
      requestParams: () => ({ ...callRequestParams(this.leg.snapshot), ...extraParams }),
    };
  }

  /** Whatever went wrong inside, the call ends cleanly and the failure is on record if it still can be. */
  private async recoverFromCrash(error: unknown): Promise<void> {
    if (this.leg.isDetached) return;
    this.logger.error(`RCML on ${this.leg.sid} crashed: ${error instanceof Error ? error.stack : error}`);
    try {
      await this.leg.notify(NotificationCode.TelephonyFailure, 'Internal error while running RCML');
    } catch (notifyError) {
      this.logger.error(`Recording the failure of ${this.leg.sid} failed too: ${notifyError}`);
    }
    await this.leg.hangup('platform').catch(() => undefined);
  }

  private verbContext(application: RcmlApplication, document: AbortSignal = this.leg.signal): VerbContext {
    const signal = AbortSignal.any([this.leg.signal, document]);
    const media = this.leg.media;
    return {
      signal,
      answer: () => this.leg.answer(),
      pause: (seconds, pauseSignal) =>
        abortableDelay(seconds * 1000, pauseSignal ? AbortSignal.any([pauseSignal, signal]) : signal),
      hangup: () => this.leg.hangup('platform'),
      reject: (reason) => this.leg.reject(REJECT_SIP_CODES[reason]),
      play: (item, playSignal) =>
        this.warnIfFailed(
          media.play(item, playSignal).catch(() => true),
          `Could not play ${item}`,
          signal,
        ),
      sendDtmf: (digits) =>
        this.warnIfFailed(
          media.sendDtmf(digits, signal).then(
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
          await this.leg.notify(
            NotificationCode.SpeechFailure,
            `Text to speech failed: ${error}`,
            NotificationLevel.Warning,
          );
          return 'sound:silence/1';
        }
      },
      collectDigits: (request) => media.collectDigits(request, signal),
      record: (request) => this.record(request, signal),
      notifyApp: (url, method, params) => this.deps.rcml.notify(application, { url, method }, params),
      dial: (request) => this.deps.connector.dial(this, request, signal),
      joinConference: (request) => this.deps.connector.joinConference(this, request, signal),
      startStream: (request) => this.streams.start(request),
      stopStream: (name) => this.streams.stop(name),
      connectStream: (request) => this.streams.connect(request, signal),
      enqueue: (request) => this.deps.queues.enqueue(this, request, signal),
      leaveQueue: () => false,
      dialQueue: (request) => this.deps.queues.dialQueue(this, request, signal),
    };
  }

  /** Playback or DTMF that failed is a warning on the call (unless the call or document ended); the RCML goes on. */
  private async warnIfFailed(failed: Promise<boolean>, message: string, signal: AbortSignal): Promise<void> {
    if ((await failed) && !signal.aborted)
      await this.leg.notify(NotificationCode.PlaybackFailure, message, NotificationLevel.Warning);
  }

  private async record(request: RecordingRequest, stop: AbortSignal): Promise<RecordingResult | null> {
    const name = `${this.leg.sid}-${++this.recordingCount}`;
    const accountSid = this.leg.accountSid;
    const startTime = new Date();
    try {
      const result = await this.leg.media.record(name, request, stop);
      if (!result) return null;
      const audio = await this.deps.gateway.takeRecording(name);
      const recording = await this.deps.recordings.store({
        accountSid,
        callSid: this.leg.sid,
        durationSeconds: result.durationSeconds,
        audio,
        source: 'RecordVerb',
      });
      return {
        recordingSid: recording.sid,
        // RestComm's form: the `.wav` URL, which app servers can fetch without credentials.
        recordingUrl: `${this.deps.recordings.mediaUrl({ sid: recording.sid, accountSid })}.wav`,
        durationSeconds: result.durationSeconds,
        digits: result.digits,
        startTime,
      };
    } catch (error) {
      await this.leg.notify(
        NotificationCode.RecordingFailure,
        `Recording failed: ${error instanceof Error ? error.message : error}`,
      );
      return null;
    }
  }
}
