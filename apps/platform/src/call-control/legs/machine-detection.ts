import type { MachineDetection, TelephonyGateway } from '../../telephony/telephony-gateway.port';
import type { CallLeg } from './call-leg';

/** Who answered, in Twilio's words (the call's `answered_by`). */
export type AnsweredBy =
  | 'human'
  | 'machine_start'
  | 'machine_end_beep'
  | 'machine_end_silence'
  | 'machine_end_other'
  | 'fax'
  | 'unknown';

/** Twilio's MachineDetection parameters of a call, as stored with it. */
export interface MachineDetectionSettings {
  /** `Enable`: decide as soon as possible; `DetectMessageEnd`: for a machine, wait for its greeting to end. */
  mode: 'Enable' | 'DetectMessageEnd';
  timeoutSeconds: number;
  speechThresholdMs: number;
  speechEndThresholdMs: number;
  silenceTimeoutMs: number;
  /** AsyncAmd: the call's document runs at once; the verdict goes to `asyncCallback`. */
  async: boolean;
  asyncCallback: { url: string; method: 'GET' | 'POST' } | null;
}

/** Twilio's defaults for the thresholds (MachineDetectionTimeout 30 s, SpeechThreshold 2400 ms...). */
export const MACHINE_DETECTION_DEFAULTS = {
  timeoutSeconds: 30,
  speechThresholdMs: 2400,
  speechEndThresholdMs: 1200,
  silenceTimeoutMs: 5000,
} as const;

/** How long the end of a machine's greeting is waited for after it was recognised as one. */
const MESSAGE_END_WAIT_SECONDS = 30;
/** How much later than the detector's own limits its verdict is given up on. */
const VERDICT_GRACE_SECONDS = 5;
/** Silence that ends a machine's greeting when no beep came first. */
const MESSAGE_END_SILENCE_MS = 1500;

/** The detector's verdict in Twilio's words. */
export function answeredBy(detection: MachineDetection, mode: MachineDetectionSettings['mode']): AnsweredBy {
  switch (detection.verdict) {
    case 'human':
      return 'human';
    case 'machine':
      if (mode === 'Enable') return 'machine_start';
      if (detection.greetingEnd === 'beep') return 'machine_end_beep';
      if (detection.greetingEnd === 'silence') return 'machine_end_silence';
      return 'machine_end_other';
    default:
      return 'unknown';
  }
}

export interface MachineDetectionOutcome {
  answeredBy: AnsweredBy;
  durationMs: number;
}

/**
 * Detects who answered the leg and keeps it on the record (`answered_by`). Resolves with `unknown`
 * when the detector cannot be started or the leg ends first; it never throws.
 */
export async function detectMachine(
  leg: CallLeg,
  gateway: TelephonyGateway,
  settings: MachineDetectionSettings,
): Promise<MachineDetectionOutcome> {
  const started = Date.now();
  const detectorChannelId = gateway.newChannelId();
  let stopObserving = () => {};
  let giveUp: NodeJS.Timeout | undefined;
  const verdict = new Promise<MachineDetection | null>((resolve) => {
    stopObserving = leg.observe({
      channelEvent: (_leg, event) => {
        if (event.kind === 'machine-detected') resolve(event.detection);
      },
      ended: () => resolve(null),
    });
    leg.signal.addEventListener('abort', () => resolve(null), { once: true });
    // A detector that never reports (its channel lost on the way) must not hold the call forever.
    const bound =
      settings.timeoutSeconds + (settings.mode === 'DetectMessageEnd' ? MESSAGE_END_WAIT_SECONDS : 0);
    giveUp = setTimeout(() => resolve(null), (bound + VERDICT_GRACE_SECONDS) * 1000);
  });
  let detection: MachineDetection | null = null;
  try {
    await gateway.detectMachine(leg.channelId, {
      detectorChannelId,
      initialSilenceMs: settings.silenceTimeoutMs,
      greetingMs: settings.speechThresholdMs,
      afterGreetingSilenceMs: settings.speechEndThresholdMs,
      totalMs: settings.timeoutSeconds * 1000,
      messageEnd:
        settings.mode === 'DetectMessageEnd'
          ? {
              silenceMs: MESSAGE_END_SILENCE_MS,
              timeoutSeconds: MESSAGE_END_WAIT_SECONDS,
              beepListenerChannelId: gateway.newChannelId(),
            }
          : null,
    });
    detection = await verdict;
  } catch {
    detection = null;
  } finally {
    stopObserving();
    clearTimeout(giveUp);
  }
  const outcome: MachineDetectionOutcome = {
    answeredBy: detection ? answeredBy(detection, settings.mode) : 'unknown',
    durationMs: Date.now() - started,
  };
  if (!leg.signal.aborted) await leg.update({ answeredBy: outcome.answeredBy });
  return outcome;
}

/** The settings a call record keeps (`machine_detection`); null when it has none or they are unreadable. */
export function storedMachineDetection(stored: string | null): MachineDetectionSettings | null {
  if (!stored) return null;
  try {
    const settings = JSON.parse(stored) as MachineDetectionSettings;
    return settings.mode === 'Enable' || settings.mode === 'DetectMessageEnd' ? settings : null;
  } catch {
    return null;
  }
}
