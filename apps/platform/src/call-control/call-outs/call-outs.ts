import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { DialTarget } from '../../telephony/telephony-gateway.port';
import { ConversationRegistry } from '../conversations/conversation-registry';
import type { ConversationMember } from '../conversations/conversation-member';
import { LegHangup } from '../ports/leg-hangup.port';
import { ringAll, type RingingLegs } from '../legs/ring-all';
import { RingingCallee } from '../legs/ringing-callee';
import { LegPlacer } from '../ports/leg-placer.port';

/** One side of a call the platform sets up between two phones. */
export interface CallOutParty {
  /** Rung at once, the first to answer is the party (every phone of an extension). */
  targets: DialTarget[];
  /** What its call record's To shows (the number dialed, not the dial string). */
  to: string;
  /** The caller id its phone is shown, with an optional display name. */
  callerId: string;
  callerName?: string;
  /** Extra headers of the INVITE its phone gets (auto-answer hints, identity rewrites). */
  headers?: Record<string, string>;
}

export interface CallOutRequest {
  accountSid: string;
  /** Rung first; the callee is rung once it answers. */
  caller: CallOutParty;
  callee: CallOutParty;
  /** How long each side may ring. */
  ringSeconds: number;
  /** How long the callee may ring, when not `ringSeconds` (sipX's timeout is the caller's alone). */
  calleeRingSeconds?: number;
  userData?: string | null;
  /** The SIP Subject of the caller's INVITE (the first one), kept on the caller's record. */
  subject?: string | null;
  /** Whether a 3xx answer to the caller's INVITE is followed (sipX's isForwardingAllowed). */
  followCallerRedirects?: boolean;
  /** Keep every SIP response to each leg's INVITE (a facade that shows them; see PlaceLegRequest). */
  traceSetupResponses?: boolean;
  /** Told of every leg as it is placed, caller's first (a facade following each leg's SIP responses). */
  onLegsPlaced?: (callSids: string[]) => void;
}

export type CallOutStage = 'calling-caller' | 'calling-callee' | 'connected' | 'ended';

/** A call-out as facades see it: its id is the id of the conversation it becomes. */
export interface CallOutView {
  id: string;
  accountSid: string;
  stage: CallOutStage;
  /** The caller's leg, then the callee's once it is placed. */
  callSids: string[];
}

/**
 * Third-party call control (RFC 3725 flow 4, as two legs bridged in Asterisk): the caller's phone rings
 * first; once it answers it is the first party of a conversation and the callee is rung; the callee's
 * answer joins it. An unanswered callee ends the caller's call; a caller who hangs up cancels the callee.
 * The ringing callee can be forwarded (re-targeted) meanwhile, as an inbound connection's can.
 * Call-outs are kept until they are connected or over: afterwards their conversation tells the rest.
 */
@Injectable()
export class CallOuts {
  private readonly logger = new Logger(CallOuts.name);
  private readonly callOuts = new Map<string, CallOutView>();

  constructor(
    private readonly placer: LegPlacer,
    private readonly conversations: ConversationRegistry,
    private readonly legs: LegHangup,
  ) {}

  /** Rings the caller's phones; resolves with the call-out once they are being rung. */
  async start(request: CallOutRequest): Promise<CallOutView> {
    const caller = await this.ring(null, request.caller, request);
    const view: CallOutView = {
      id: `cw-bridge-${randomUUID()}`,
      accountSid: request.accountSid,
      stage: 'calling-caller',
      callSids: caller.members.map((member) => member.callSid),
    };
    request.onLegsPlaced?.([...view.callSids]);
    this.callOuts.set(view.id, view);
    void this.proceed(view, caller, request)
      .catch((error: unknown) => this.logger.warn(`Call-out ${view.id}: ${String(error)}`))
      .finally(() => {
        if (view.stage !== 'connected') view.stage = 'ended';
        this.callOuts.delete(view.id);
      });
    return { ...view, callSids: [...view.callSids] };
  }

  /** A call-out not connected yet (a connected one is its conversation). */
  find(id: string): CallOutView | undefined {
    const view = this.callOuts.get(id);
    return view && { ...view, callSids: [...view.callSids] };
  }

  list(): CallOutView[] {
    return [...this.callOuts.keys()].map((id) => this.find(id)!);
  }

  private async proceed(view: CallOutView, ringing: RingingLegs, request: CallOutRequest): Promise<void> {
    const caller = await ringing.answered;
    if (!caller || caller.ended.aborted) return;
    const conversation = this.conversations.create({ id: view.id, endWhenAlone: true });
    try {
      await conversation.start([caller]);
    } catch (error) {
      await this.hangUp(caller);
      throw error;
    }
    view.stage = 'calling-callee';
    let callee: RingingCallee;
    try {
      callee = await RingingCallee.ring(this.placer, this.legs, this.conversations.ringing, {
        sessionId: view.id,
        waitingCallSid: caller.callSid,
        accountSid: request.accountSid,
        request: {
          ...this.ringRequest(caller.callSid, request.callee, request),
          timeoutSeconds: request.calleeRingSeconds ?? request.ringSeconds,
        },
        targets: request.callee.targets,
        // A forwarded callee's new legs are the call-out's too.
        onPlaced: (members) => {
          const callSids = members.map((member) => member.callSid);
          view.callSids.push(...callSids);
          request.onLegsPlaced?.(callSids);
        },
      });
    } catch (error) {
      this.logger.warn(`Call-out ${view.id}: the callee could not be called: ${(error as Error).message}`);
      await this.hangUp(caller);
      return;
    }
    const cancelCallee = () => void callee.hangUpAll();
    caller.ended.addEventListener('abort', cancelCallee, { once: true });
    const answered = await callee.answered;
    caller.ended.removeEventListener('abort', cancelCallee);
    if (!answered || caller.ended.aborted) {
      await Promise.allSettled([this.hangUp(caller), callee.hangUpAll()]);
      return;
    }
    try {
      await conversation.join(answered);
      view.stage = 'connected';
    } catch (error) {
      await Promise.allSettled([this.hangUp(caller), this.hangUp(answered)]);
      throw error;
    }
  }

  private ring(
    forCallSid: string | null,
    party: CallOutParty,
    request: CallOutRequest,
  ): Promise<RingingLegs> {
    return ringAll(this.placer, this.legs, this.ringRequest(forCallSid, party, request), party.targets);
  }

  private ringRequest(forCallSid: string | null, party: CallOutParty, request: CallOutRequest) {
    return {
      forCallSid,
      accountSid: request.accountSid,
      to: party.to,
      callerId: party.callerId,
      callerName: party.callerName,
      headers: party.headers,
      timeoutSeconds: request.ringSeconds,
      userData: request.userData ?? null,
      subject: forCallSid === null ? (request.subject ?? null) : null,
      followRedirects: forCallSid === null && request.followCallerRedirects === true,
      traceSetupResponses: request.traceSetupResponses,
    };
  }

  private async hangUp(member: ConversationMember): Promise<void> {
    if (!member.ended.aborted) await this.legs.hangUp(member.callSid).catch(() => undefined);
  }
}
