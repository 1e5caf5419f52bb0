import { abortableDelay } from '../../common/serial-queue';
import {
  ChannelEvent,
  DtmfTiming,
  dtmfPlayoutMs,
  RecordRequest,
  TelephonyGateway,
} from '../../telephony/telephony-gateway.port';

/** A `<Gather>`-style digit collection. */
export interface DigitCollection {
  numDigits: number | null;
  finishOnKey: string;
  timeoutSeconds: number;
  /** Plays the nested prompts; the signal aborts on the first digit so the prompt stops at once. */
  prompt(signal: AbortSignal): Promise<void>;
}

/** What a digit collection brought: the digits, and the finishOnKey that ended it ('' when none did). */
export interface CollectedDigits {
  digits: string;
  finishedOnKey: string;
}

/** A `<Record>`-style recording of the channel. */
export interface RecordingRequest {
  maxLengthSeconds: number;
  silenceTimeoutSeconds: number;
  finishOnKey: string;
  playBeep: boolean;
}

/** Asterisk's own defaults for ARI DTMF, said out loud so the wait for the playout matches them. */
const DTMF_TIMING: DtmfTiming = { durationMs: 100, betweenMs: 100 };

interface PendingPlayback {
  resolve(failed: boolean): void;
}

interface PendingRecording {
  resolve(result: { durationSeconds: number; failed: boolean }): void;
}

type DigitListener = (digit: string) => void;

/**
 * Playback, DTMF collection and recording on one channel. Owned by its call session, which feeds it
 * the channel's media events; everything pending settles when the call ends.
 */
export class ChannelMedia {
  private readonly playbacks = new Map<string, PendingPlayback>();
  private readonly recordings = new Map<string, PendingRecording>();
  private digitListener: DigitListener | null = null;
  private readonly digitWatchers = new Set<DigitListener>();

  constructor(
    private readonly gateway: TelephonyGateway,
    private readonly channelId: () => string,
    private readonly lifetime: AbortSignal,
  ) {
    lifetime.addEventListener('abort', () => this.settleAll());
  }

  handle(event: ChannelEvent): void {
    switch (event.kind) {
      case 'playback-finished':
        this.playbacks.get(event.playbackId)?.resolve(event.failed);
        return;
      case 'recording-finished':
        this.recordings
          .get(event.name)
          ?.resolve({ durationSeconds: event.durationSeconds, failed: event.failed });
        return;
      case 'dtmf':
        this.digitListener?.(event.digit);
        for (const watcher of this.digitWatchers) watcher(event.digit);
        return;
    }
  }

  /** Hears every digit while registered (hangupOnStar); returns the unsubscribe function. */
  onDigit(listener: DigitListener): () => void {
    this.digitWatchers.add(listener);
    return () => this.digitWatchers.delete(listener);
  }

  /** Resolves with `true` when Asterisk reported the playback as failed (for example, unreachable media). */
  async play(media: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted || this.lifetime.aborted) return false;
    const playbackId = this.gateway.newMediaId();
    const finished = new Promise<boolean>((resolve) => {
      this.playbacks.set(playbackId, {
        resolve: (failed) => {
          this.playbacks.delete(playbackId);
          signal.removeEventListener('abort', stop);
          resolve(failed);
        },
      });
    });
    const stop = () => void this.gateway.stopPlayback(playbackId);
    signal.addEventListener('abort', stop);
    try {
      await this.gateway.play(this.channelId(), playbackId, media);
    } catch (error) {
      this.playbacks.get(playbackId)?.resolve(true);
      throw error;
    }
    return finished;
  }

  /**
   * Sends DTMF and waits while Asterisk plays it out (its REST answer comes before the tones), so
   * the next verb does not cut it short; `signal` stops the wait.
   */
  async sendDtmf(digits: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.lifetime.aborted) return;
    await this.gateway.sendDtmf(this.channelId(), digits, DTMF_TIMING);
    await abortableDelay(dtmfPlayoutMs(digits, DTMF_TIMING), signal);
  }

  /** Collects DTMF while the prompt plays; the first digit stops the prompt. */
  /** `stop` ends the collection early (the document was replaced); the digits so far are returned. */
  async collectDigits(request: DigitCollection, stop: AbortSignal): Promise<CollectedDigits> {
    let digits = '';
    let finishedOnKey = '';
    const promptControl = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    let timer: NodeJS.Timeout | null = null;
    const armTimeout = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(finish, request.timeoutSeconds * 1000);
    };
    this.digitListener = (digit) => {
      promptControl.abort();
      if (request.finishOnKey && digit === request.finishOnKey) {
        finishedOnKey = digit;
        return finish();
      }
      digits += digit;
      if (request.numDigits !== null && digits.length >= request.numDigits) return finish();
      armTimeout();
    };
    const onEnd = () => {
      promptControl.abort();
      finish();
    };
    this.lifetime.addEventListener('abort', onEnd);
    stop.addEventListener('abort', onEnd);
    try {
      await request.prompt(promptControl.signal);
      // The timeout counts from the end of the prompt, or from the last digit if one came during it.
      if (!promptControl.signal.aborted) armTimeout();
      await done;
    } finally {
      if (timer) clearTimeout(timer);
      this.digitListener = null;
      this.lifetime.removeEventListener('abort', onEnd);
      stop.removeEventListener('abort', onEnd);
    }
    return { digits, finishedOnKey };
  }

  /** Records the caller; returns the recording's name on Asterisk and the key that stopped it. */
  /** `stop` ends the recording early and discards it (the document was replaced). */
  async record(
    name: string,
    request: RecordingRequest,
    stop: AbortSignal,
  ): Promise<{ durationSeconds: number; digits: string } | null> {
    let digits = '';
    this.digitListener = (digit) => {
      if (request.finishOnKey.includes(digit) && !digits) {
        digits = digit;
        void this.gateway.stopRecording(name);
      }
    };
    const finished = new Promise<{ durationSeconds: number; failed: boolean }>((resolve) =>
      this.recordings.set(name, {
        resolve: (result) => {
          this.recordings.delete(name);
          resolve(result);
        },
      }),
    );
    const spec: RecordRequest = {
      name,
      maxDurationSeconds: request.maxLengthSeconds,
      maxSilenceSeconds: request.silenceTimeoutSeconds,
      beep: request.playBeep,
      // Keys are matched here (any subset of 0-9*#); Asterisk only needs to keep them out of the audio.
      terminateOn: 'none',
    };
    const interrupt = () => void this.gateway.stopRecording(name);
    stop.addEventListener('abort', interrupt);
    try {
      await this.gateway.record(this.channelId(), spec);
      const result = await finished;
      return result.failed || this.lifetime.aborted || stop.aborted
        ? null
        : { durationSeconds: result.durationSeconds, digits };
    } finally {
      this.digitListener = null;
      stop.removeEventListener('abort', interrupt);
      this.recordings.get(name)?.resolve({ durationSeconds: 0, failed: true });
    }
  }

  private settleAll(): void {
    for (const playback of [...this.playbacks.values()]) playback.resolve(false);
    for (const recording of [...this.recordings.values()])
      recording.resolve({ durationSeconds: 0, failed: true });
  }
}
