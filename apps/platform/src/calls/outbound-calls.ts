import { Logger } from '@nestjs/common';
import type { AccountLimitsService } from '../accounts/account-limits.service';
import type { CallEntity } from '../call-control/legs/call.entity';
import { storedCallOptions } from '../call-control/legs/call-options';
import type { CallRecords } from '../call-control/legs/call-records';
import type { CallLegOptions } from '../call-control/legs/call-leg';
import type { ClientDirectory } from '../call-control/ports/client-directory.port';
import type { CallModification } from '../rcml/live-modification';
import type { RcmlProgram } from '../rcml/rcml-program';
import type { LegFactory } from './leg-factory';
import { API_CALL_HOPS } from './limits/hop-policy';
import { OutboundDispatcher, QueueReservation } from './limits/outbound-dispatcher';
import type { SharedAccountLoad } from '../cluster/shared-account-load.port';
import type { DialingOptions } from './outbound-call-request';
import { outboundTarget } from './outbound-target';
import { queuedCallPatch } from './queued-call-patch';
import type { WholeCallRecorder } from './whole-call-recorder';

const SIP_TEMPORARILY_UNAVAILABLE = 480;

/** An outbound API call waiting for its turn (see limits/outbound-dispatcher.ts). */
export interface QueuedOutbound {
  sid: string;
  accountSid: string;
  call: CallEntity;
  signingKey: string;
  dialing: DialingOptions;
}

export type OutboundReservation = QueueReservation<QueuedOutbound>;

export interface OutboundCallsDeps {
  records: CallRecords;
  legs: LegFactory;
  clients: ClientDirectory;
  limits: AccountLimitsService;
  recorder: WholeCallRecorder;
  activeCalls(accountSid: string): number;
  /** Counts the program as a live call of its account (synchronously: the dispatcher relies on it). */
  track(program: RcmlProgram): void;
  /** The other nodes' share of the limits; null with one node. */
  share: SharedAccountLoad | null;
}

/**
 * Outbound API calls from the moment they are stored `queued` to the moment they are dialed: their
 * place in the account's queue, live modification while they wait, and whom their To reaches.
 */
export class OutboundCalls {
  private readonly logger = new Logger(OutboundCalls.name);
  private readonly dispatcher: OutboundDispatcher<QueuedOutbound>;

  constructor(private readonly deps: OutboundCallsDeps) {
    this.dispatcher = new OutboundDispatcher<QueuedOutbound>({
      limitsFor: (accountSid) => deps.limits.limitsFor(accountSid),
      activeCalls: (accountSid) => deps.activeCalls(accountSid),
      dial: (queued) => this.start(queued),
      waitingChanged: (accountSid) => deps.share?.touched(accountSid),
      share: deps.share,
      warn: (message) => this.logger.warn(message),
    });
    deps.limits.onChange((accountSid, changed, origin) => {
      this.dispatcher.limitsChanged(accountSid, changed);
      if (origin === 'here') deps.share?.announceLimits(accountSid);
    });
  }

  reserve(accountSid: string): Promise<OutboundReservation> {
    return this.dispatcher.reserve(accountSid);
  }

  /** The stored call waits in `queued` until the account's pace and concurrency let it be dialed. */
  queue(reservation: OutboundReservation, queued: QueuedOutbound): boolean {
    const queuedNow = reservation.submit(queued);
    this.deps.share?.touched(queued.accountSid);
    return queuedNow;
  }

  waitingOf(accountSid: string): number {
    return this.dispatcher.waitingOf(accountSid);
  }

  /** What the other nodes count as waiting here (see OutboundDispatcher.waitingToTell). */
  waitingToTell(accountSid: string): number {
    return this.dispatcher.waitingToTell(accountSid);
  }

  isWaiting(callSid: string): boolean {
    return this.dispatcher.isWaiting(callSid);
  }

  /** Calls waiting to be dialed, per account (for the metrics). */
  waitingByAccount(): ReturnType<OutboundDispatcher<QueuedOutbound>['waitingByAccount']> {
    return this.dispatcher.waitingByAccount();
  }

  wake(accountSid: string): void {
    this.dispatcher.wake(accountSid);
  }

  /** The calls still waiting, handed back once: the dispatcher dials nothing more. */
  shutdown(): QueuedOutbound[] {
    return this.dispatcher.shutdown();
  }

  /**
   * Live modification of a call still waiting to be dialed: Status (canceled or completed) takes it
   * out of the queue and ends it `canceled`; Url, Twiml, TimeLimit and StatusCallback changes are
   * stored for when it is dialed. False when the call is no longer waiting (it has just been dialed).
   */
  async modify(callSid: string, change: CallModification): Promise<boolean> {
    const queued = this.dispatcher.waitingCall(callSid);
    if (!queued) return false;
    const patch = queuedCallPatch(change, queued.call);
    // The dispatcher dials this same object, so the change holds even if it is dialed meanwhile.
    Object.assign(queued.call, patch);
    if (change.status && this.dispatcher.withdraw(callSid)) {
      this.deps.share?.touched(queued.accountSid);
      await this.deps.records.patchBySid(callSid, patch);
      await this.end(queued, 'cancel');
      return true;
    }
    if (Object.keys(patch).length > 0) await this.deps.records.patchBySid(callSid, patch);
    return !change.status;
  }

  /**
   * The leg is counted at once; whom it calls may need a look-up (a Client's registration), done
   * before the leg starts: its options are filled in meanwhile.
   */
  private start(queued: QueuedOutbound): void {
    const { call, dialing } = queued;
    const options: CallLegOptions = { hops: API_CALL_HOPS, callerId: dialing.callerId };
    const program = this.deps.legs.program(call, queued.signingKey, options);
    const { record } = storedCallOptions(call.callOptions);
    if (record) this.deps.recorder.attach(program.leg, queued.signingKey, record);
    this.deps.track(program);
    void (async () => {
      const reached = await outboundTarget(call.to, call.accountSid, this.deps.clients, dialing);
      if ('unreachable' in reached)
        return program.leg.endBeforeDialing('error', SIP_TEMPORARILY_UNAVAILABLE, reached.unreachable);
      options.target = reached.target;
      await program.leg.start();
    })().catch((error) => this.logger.error(`Starting ${call.sid} failed: ${error}`));
  }

  /** Ends a call that was never dialed, with its final status callback. */
  async end(queued: QueuedOutbound, by: 'error' | 'cancel', message?: string): Promise<void> {
    const { leg, progress } = this.deps.legs.withoutProgram(queued.call, queued.signingKey, {
      hops: API_CALL_HOPS,
    });
    await leg
      .endBeforeDialing(by, null, message)
      .catch((error) => this.logger.error(`Ending queued call ${queued.sid} failed: ${error}`));
    // Queued calls ended at shutdown are ended here; the webhook client closes after them.
    await this.deps.legs.progress.drained(progress);
  }
}
