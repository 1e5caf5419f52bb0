import type { CallLeg } from '../call-control/legs/call-leg';
import { isTerminal } from '../call-control/legs/call-state-machine';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { abortableDelay, SerialQueue } from '../common/serial-queue';
import type { TelephonyGateway } from '../telephony/telephony-gateway.port';
import type { RcmlTarget } from './rcml-application.service';
import type { HttpMethod } from './verbs/verb';

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
  /** An inline document to run instead (Twilio's Twiml; ignored when `url` is given). */
  twiml?: string;
  /** A new limit on the call's length, counted from its answer (Twilio's TimeLimit). */
  timeLimitSeconds?: number;
}

/** The program whose document a new Url replaces (see RcmlProgram.replaceDocument). */
export interface DocumentHost {
  replaceDocument(startNew: boolean): Promise<void>;
  limitDuration(seconds: number): void;
}

const telephonyUnavailable = (callSid: string) =>
  new DomainError(
    DomainErrorCode.TelephonyUnavailable,
    `Asterisk is not connected; call ${callSid} cannot be changed until the connection is back. Try again later`,
  );

/**
 * Live modification of one call, one request at a time: callbacks are updated, Status ends the call,
 * and a new Url stops the running verb (playback, gather, record, dial) before the new document starts.
 */
export class LiveModification {
  private readonly requests = new SerialQueue();
  /** Where a connected Dial leg goes while this caller's redirect with MoveConnectedCallLeg runs. */
  moveTarget: RcmlTarget | null = null;

  constructor(
    private readonly program: DocumentHost,
    private readonly leg: CallLeg,
    private readonly gateway: TelephonyGateway,
  ) {}

  apply(change: CallModification): Promise<void> {
    return this.requests.run(async () => {
      if (isTerminal(this.leg.snapshot.status)) return;
      const answered = this.leg.isAnswered();
      const needsAsterisk =
        change.url !== undefined ||
        change.twiml !== undefined ||
        change.status === 'completed' ||
        (change.status === 'canceled' && !answered);
      // Refused before anything changes: a 200 that hangs nothing up would be a lie.
      if (needsAsterisk && !this.gateway.isConnected(this.leg.snapshot.channelId ?? undefined))
        throw telephonyUnavailable(this.leg.sid);
      if (change.statusCallback !== undefined)
        await this.leg.update({
          statusCallback: change.statusCallback,
          statusCallbackMethod: change.statusCallbackMethod ?? 'POST',
        });
      if (change.timeLimitSeconds !== undefined) this.program.limitDuration(change.timeLimitSeconds);
      if (change.status === 'canceled' && answered) return;
      if (change.status) return this.end(answered);
      if (change.url || change.twiml) await this.switchDocument(change);
    });
  }

  private async end(answered: boolean): Promise<void> {
    await this.leg.hangup(answered ? 'platform' : 'cancel');
    await Promise.race([this.leg.finished, abortableDelay(5000, new AbortController().signal)]);
    // The connection dropped under the hangup (the gateway drops a failed hangup quietly).
    if (
      !isTerminal(this.leg.snapshot.status) &&
      !this.gateway.isConnected(this.leg.snapshot.channelId ?? undefined)
    )
      throw telephonyUnavailable(this.leg.sid);
  }

  private async switchDocument(change: CallModification): Promise<void> {
    const target: RcmlTarget | null = change.url
      ? { url: change.url, method: change.method ?? 'POST' }
      : null;
    await this.leg.update({
      url: target?.url ?? null,
      method: target?.method ?? 'POST',
      twiml: target ? null : change.twiml,
      fallbackUrl: change.fallbackUrl ?? null,
      fallbackMethod: change.fallbackMethod ?? 'POST',
    });
    this.moveTarget = change.moveConnectedCallLeg ? target : null;
    try {
      await this.program.replaceDocument(true);
    } finally {
      this.moveTarget = null;
    }
  }
}
