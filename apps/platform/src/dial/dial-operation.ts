import { Logger } from '@nestjs/common';
import type { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import type { CallEventBus } from '../call-control/events/call-event-bus';
import { watchForTransfer } from '../call-control/events/transfer-watch';
import type { CallLeg, LegObserver } from '../call-control/legs/call-leg';
import { CallStatus } from '../call-control/legs/call-status';
import type { RecordingSink } from '../call-control/ports/media-sources.port';
import type { RcmlProgram } from '../rcml/rcml-program';
import type { DialRequest, DialResult, DialTargetSpec } from '../rcml/verbs/verb';
import type { TelephonyGateway } from '../telephony/telephony-gateway.port';

/** Places (or refuses) one Dial leg for a caller. Implemented by the call-control core. */
export interface LegLauncher {
  launchLeg(
    caller: RcmlProgram,
    spec: DialTargetSpec,
    request: DialRequest,
    observer: LegObserver,
  ): Promise<RcmlProgram>;
}

const RINGBACK = 'tone:ring';

/** The core services a Dial uses: its conversation, and the event stream that tells of transfers. */
export interface DialCore {
  conversations: ConversationRegistry;
  events: CallEventBus;
}

/**
 * One `<Dial>`: every target rings at once, the first to answer (and pass screening) is bridged to
 * the caller and the others are canceled; the result feeds the Dial action.
 */
export class DialOperation implements LegObserver {
  private readonly logger = new Logger(DialOperation.name);
  private readonly legs: RcmlProgram[] = [];
  private readonly specs = new Map<RcmlProgram, DialTargetSpec>();
  private readonly headers = new Map<RcmlProgram, Promise<Record<string, string>>>();
  private winner: RcmlProgram | null = null;
  private settle!: (winner: RcmlProgram | null) => void;
  private readonly decided = new Promise<RcmlProgram | null>((resolve) => (this.settle = resolve));
  private screeningInProgress = 0;
  private launched = false;

  constructor(
    private readonly caller: RcmlProgram,
    private readonly request: DialRequest,
    /** Aborts when the caller hangs up or its document is replaced. */
    private readonly document: AbortSignal,
    private readonly launcher: LegLauncher,
    private readonly gateway: TelephonyGateway,
    private readonly recordings: RecordingSink,
    private readonly core: DialCore,
  ) {}

  async run(): Promise<DialResult> {
    const ringback = new AbortController();
    const callerGone = () => this.settle(null);
    this.document.addEventListener('abort', callerGone);
    try {
      if (this.caller.leg.isAnswered()) {
        void this.caller.leg.media.play(RINGBACK, ringback.signal).catch(() => undefined);
      } else {
        await this.gateway.indicateRinging(this.caller.leg.channelId).catch(() => undefined);
      }
      for (const spec of this.request.targets) {
        const leg = await this.launcher.launchLeg(this.caller, spec, this.request, this);
        this.specs.set(leg, spec);
        this.legs.push(leg);
      }
      this.launched = true;
      this.checkAllEnded();
      const winner = await this.decided;
      ringback.abort();
      await Promise.all(this.legs.filter((leg) => leg !== winner).map((leg) => leg.leg.hangup('cancel')));
      if (!winner || this.document.aborted) {
        if (winner) await winner.leg.hangup('platform');
        return this.failedResult();
      }
      return await this.connect(winner);
    } finally {
      ringback.abort();
      this.document.removeEventListener('abort', callerGone);
    }
  }

  answered(answered: CallLeg): void {
    const leg = this.legs.find((program) => program.leg === answered);
    if (this.winner || !leg) return void answered.hangup('cancel');
    const spec = this.specs.get(leg);
    if (!spec?.screening) return this.win(leg);
    this.screeningInProgress++;
    const sipParams = this.sipParamsOf(leg);
    void sipParams
      .then((params) => leg.screen(spec.screening!.url, spec.screening!.method, params))
      .then(
        (accepted) => {
          if (accepted) this.win(leg);
          else void leg.leg.hangup('platform');
        },
        (error) => {
          this.logger.warn(`Screening on ${leg.leg.sid} failed: ${error}`);
          void leg.leg.hangup('platform');
        },
      )
      .finally(() => {
        this.screeningInProgress--;
        this.checkAllEnded();
      });
  }

  ended(): void {
    this.checkAllEnded();
  }

  private win(leg: RcmlProgram): void {
    if (this.winner || leg.leg.signal.aborted) return;
    this.winner = leg;
    this.settle(leg);
  }

  private checkAllEnded(): void {
    if (!this.launched || this.winner || this.screeningInProgress > 0) return;
    if (this.legs.every((leg) => leg.leg.signal.aborted)) this.settle(null);
  }

  private async connect(winner: RcmlProgram): Promise<DialResult> {
    const headers = await this.answerHeadersOf(winner);
    if (!this.caller.leg.isAnswered()) await this.caller.leg.answer();
    // A conversation of the core: hold, mute and transfers act on it like on any other. While the Dial
    // runs it decides who stays; once a transfer takes the conversation over, a lone party is hung up.
    const conversation = this.core.conversations.create({ endWhenAlone: true });
    const resumeEndWhenAlone = conversation.suspendEndWhenAlone();
    const handover = watchForTransfer(this.core.events, [this.caller.leg.sid, winner.leg.sid]);
    const recordingName = this.request.recordFromAnswer
      ? `${this.caller.leg.sid}-dial-${winner.leg.sid}`
      : null;
    let starPressed = false;
    let recordingStart = new Date();
    try {
      await conversation.start([this.caller.leg, winner.leg]);
      // In Asterisk too, so that the conversation can be found again after a platform restart.
      for (const party of [this.caller, winner])
        void this.gateway
          .labelChannel(party.leg.channelId, { bridgeId: conversation.bridgeId })
          .catch(() => undefined);
      if (recordingName) {
        recordingStart = new Date();
        await conversation.record({
          name: recordingName,
          maxDurationSeconds: this.request.timeLimitSeconds,
          maxSilenceSeconds: 0,
          beep: false,
          terminateOn: 'none',
        });
      }
      const timeLimit = setTimeout(
        () => void winner.leg.hangup('platform'),
        this.request.timeLimitSeconds * 1000,
      );
      // Hours long by default: it must not keep a stopping process alive (a detached leg never ends here).
      timeLimit.unref();
      const stopListening = this.request.hangupOnStar
        ? this.caller.leg.media.onDigit((digit) => {
            if (digit !== '*') return;
            starPressed = true;
            void winner.leg.hangup('platform');
          })
        : () => undefined;
      // The caller hung up or was redirected: the callee follows the caller's new document when the
      // redirect moves connected legs, else the conversation ends.
      const released = new Promise<void>((resolve) =>
        this.document.addEventListener('abort', () => resolve()),
      );
      const callerLeft = released.then(() => {
        if (handover.happened) return;
        const move = this.caller.leg.signal.aborted ? null : this.caller.connectedLegTarget();
        return move ? winner.redirect(move) : winner.leg.hangup('platform');
      });
      await Promise.race([winner.leg.finished, callerLeft, handover.promise]);
      clearTimeout(timeLimit);
      stopListening();
    } finally {
      handover.stop();
      if (handover.happened) resumeEndWhenAlone();
      else {
        await conversation.leave(this.caller.leg.sid).catch(() => undefined);
        await conversation.end().catch(() => undefined);
      }
    }
    if (handover.happened) {
      // The parties are the core's now (a transfer runs on them): the caller's document stops here,
      // leaving the caller up, and no action is requested.
      return {
        status: 'completed',
        callSid: winner.leg.sid,
        durationSeconds: 0,
        sip: { callId: winner.leg.snapshot.sipCallId, responseCode: 200, headers },
        callerGone: true,
      };
    }
    const record = winner.leg.snapshot;
    const recording = recordingName
      ? await this.storeRecording(recordingName, record.duration ?? 0, recordingStart)
      : null;
    return {
      status: 'completed',
      callSid: winner.leg.sid,
      durationSeconds: record.duration ?? 0,
      sip: { callId: record.sipCallId, responseCode: 200, headers },
      callerGone: this.document.aborted && !starPressed,
      ...(recording
        ? {
            recording,
            extraParams: {
              RecordingSid: recording.sid,
              RecordingUrl: recording.url,
              RecordingDuration: String(recording.durationSeconds),
            },
          }
        : {}),
    };
  }

  private async storeRecording(
    name: string,
    durationSeconds: number,
    startTime: Date,
  ): Promise<DialResult['recording'] | null> {
    try {
      const audio = await this.gateway.takeRecording(name);
      const recording = await this.recordings.store({
        accountSid: this.caller.leg.snapshot.accountSid,
        callSid: this.caller.leg.sid,
        durationSeconds,
        audio,
        source: 'DialVerb',
      });
      return {
        sid: recording.sid,
        url: `${this.recordings.mediaUrl({ sid: recording.sid, accountSid: this.caller.leg.snapshot.accountSid })}.wav`,
        durationSeconds,
        startTime,
      };
    } catch (error) {
      this.logger.warn(`Storing the Dial recording of ${this.caller.leg.sid} failed: ${error}`);
      return null;
    }
  }

  /** With several targets, the caller learns the most telling outcome: busy, then no-answer, then failed. */
  private failedResult(): DialResult {
    const statuses = this.legs.map((leg) => leg.leg.snapshot.status);
    const status = this.document.aborted
      ? 'canceled'
      : statuses.includes(CallStatus.Busy)
        ? 'busy'
        : statuses.includes(CallStatus.NoAnswer) || statuses.includes(CallStatus.Completed)
          ? 'no-answer'
          : statuses.includes(CallStatus.Canceled)
            ? 'canceled'
            : 'failed';
    const single = this.legs.length === 1 ? this.legs[0].leg.snapshot : null;
    return {
      status,
      callSid: single?.sid ?? null,
      durationSeconds: 0,
      sip: single ? { callId: single.sipCallId, responseCode: single.sipResponseCode, headers: {} } : null,
      callerGone: this.document.aborted,
    };
  }

  private async sipParamsOf(leg: RcmlProgram): Promise<Record<string, string>> {
    const params: Record<string, string> = {};
    if (leg.leg.snapshot.sipCallId) params.SipCallId = leg.leg.snapshot.sipCallId;
    const headers = await this.answerHeadersOf(leg);
    for (const [name, value] of Object.entries(headers)) params[`SipHeader_${name}`] = value;
    return params;
  }

  /** The 200 OK's X- headers, read from Asterisk once per leg (screening and the action both need them). */
  private answerHeadersOf(leg: RcmlProgram): Promise<Record<string, string>> {
    let headers = this.headers.get(leg);
    if (!headers) {
      headers = this.gateway.answerHeaders(leg.leg.channelId).catch(() => ({}));
      this.headers.set(leg, headers);
    }
    return headers;
  }
}
