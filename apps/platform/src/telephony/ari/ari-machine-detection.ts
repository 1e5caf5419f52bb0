import type { AppConfig } from '../../config/app-config';
import type { ChannelEvent, MachineDetection, MachineDetectionRequest } from '../telephony-gateway.port';
import type { AriEventJson } from './ari-event-mapper';
import type { AriRequests } from './ari-requests';

/** Stasis argument of a listening channel when it is created (it then goes to the dialplan). */
export const LISTENER_APP_ARG = 'amd-listen';
/** The detector comes back with this, then AMDSTATUS, AMDCAUSE and how a machine's greeting ended. */
const RESULT_APP_ARG = 'amd-result';
/** The beep listener comes back with this, then WAITFORTONESTATUS (SUCCESS when it heard the beep). */
const BEEP_APP_ARG = 'amd-beep';
/** The dialplan context of asterisk/platform/extensions.conf that runs AMD() and WaitForTone(). */
const DETECTION_CONTEXT = 'callwright-amd';

const VERDICTS: Record<string, MachineDetection['verdict']> = {
  HUMAN: 'human',
  MACHINE: 'machine',
  NOTSURE: 'not-sure',
  HANGUP: 'hangup',
};
const GREETING_ENDS = new Set(['beep', 'silence', 'other']);

interface Detection {
  channelId: string;
  request: MachineDetectionRequest;
  /** The listening channels still up: the detector, and the beep listener when there is one. */
  listeners: string[];
}

/**
 * Answering machine detection with Asterisk's AMD() on a snoop of the call's inbound audio: the snoop
 * enters the app, is sent to the dialplan to run AMD() (and WaitForSilence() for the end of a machine's
 * greeting), and comes back into the app with the result as its arguments. For the end of a greeting
 * a second snoop runs WaitForTone() for the beep; whichever ends the greeting first decides. The call
 * itself never leaves the app, so it goes on playing or waiting meanwhile (Twilio's AsyncAmd).
 */
export class AriMachineDetection {
  /** By listening channel id. */
  private readonly detections = new Map<string, Detection>();

  constructor(
    private readonly ari: AriRequests,
    private readonly config: AppConfig,
    private readonly deliver: (channelId: string, event: ChannelEvent) => void,
  ) {}

  async start(channelId: string, request: MachineDetectionRequest): Promise<void> {
    const listeners = [request.detectorChannelId];
    if (request.messageEnd) listeners.push(request.messageEnd.beepListenerChannelId);
    const detection: Detection = { channelId, request, listeners };
    for (const id of listeners) this.detections.set(id, detection);
    try {
      for (const snoopId of listeners)
        await this.ari.request('Machine detection', (client) =>
          client.channels.snoopChannelWithId({
            channelId,
            snoopId,
            spy: 'in',
            whisper: 'none',
            app: this.config.ariApp,
            appArgs: LISTENER_APP_ARG,
          }),
        );
    } catch (error) {
      this.finish(detection);
      throw error;
    }
  }

  /** Handles the listening channels' own events; true when `raw` was one of them. */
  handle(raw: AriEventJson): boolean {
    const id = raw.channel?.id;
    const detection = id ? this.detections.get(id) : undefined;
    if (!id || !detection) return false;
    if (raw.type === 'ChannelDestroyed') {
      this.detections.delete(id);
      detection.listeners = detection.listeners.filter((listener) => listener !== id);
      return true;
    }
    if (raw.type !== 'StasisStart') return true;
    const [kind] = raw.args ?? [];
    if (kind === LISTENER_APP_ARG) void this.listen(id, detection);
    else if (kind === RESULT_APP_ARG) this.conclude(detection, toDetection(raw.args));
    // A beep ends a machine's greeting whatever the detector makes of it by then: people do not beep.
    else if (kind === BEEP_APP_ARG && raw.args?.[1] === 'SUCCESS')
      this.conclude(detection, { verdict: 'machine', cause: 'BEEP', greetingEnd: 'beep' });
    else if (kind === BEEP_APP_ARG) this.hangUp(id);
    return true;
  }

  private conclude(detection: Detection, result: MachineDetection): void {
    this.finish(detection);
    this.deliver(detection.channelId, { kind: 'machine-detected', detection: result });
  }

  /** Forgets the detection and hangs up what still listens. */
  private finish(detection: Detection): void {
    for (const id of detection.listeners) {
      this.detections.delete(id);
      this.hangUp(id);
    }
    detection.listeners = [];
  }

  private hangUp(channelId: string): void {
    void this.ari.quietly('End machine detection', (client) => client.channels.hangup({ channelId }));
  }

  private async listen(listenerId: string, { request }: Detection): Promise<void> {
    const end = request.messageEnd;
    const isBeepListener = end?.beepListenerChannelId === listenerId;
    const variables: Record<string, string> = isBeepListener
      ? { CW_AMD_BEEP_TIMEOUT: String(Math.max(1, Math.round(end!.timeoutSeconds + request.totalMs / 1000))) }
      : {
          CW_AMD_ARGS: [
            request.initialSilenceMs,
            request.greetingMs,
            request.afterGreetingSilenceMs,
            request.totalMs,
          ]
            .map((value) => Math.max(0, Math.round(value)))
            .join(','),
          ...(end
            ? {
                CW_AMD_END_ARGS: `${Math.round(end.silenceMs)},1,${Math.max(1, Math.round(end.timeoutSeconds))}`,
              }
            : {}),
        };
    try {
      for (const [variable, value] of Object.entries(variables))
        await this.ari.request('Machine detection', (client) =>
          client.channels.setChannelVar({ channelId: listenerId, variable, value }),
        );
      await this.ari.request('Machine detection', (client) =>
        client.channels.continueInDialplan({
          channelId: listenerId,
          context: DETECTION_CONTEXT,
          extension: isBeepListener ? 'beep' : end ? 'message-end' : 'start',
          priority: 1,
        }),
      );
    } catch {
      // The call (and so its snoop) is gone, or Asterisk is: nothing is left to listen to.
      this.hangUp(listenerId);
    }
  }
}

/** The Stasis arguments the detector came back with: status, cause, how the greeting ended. */
export function toDetection(args: string[] | undefined): MachineDetection {
  const [, status = '', cause = '', ending = ''] = args ?? [];
  return {
    verdict: VERDICTS[status] ?? 'not-sure',
    cause,
    greetingEnd: GREETING_ENDS.has(ending) ? (ending as MachineDetection['greetingEnd']) : null,
  };
}
