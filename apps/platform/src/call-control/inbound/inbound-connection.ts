import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DialTarget } from '../../telephony/telephony-gateway.port';
import type { ConversationRegistry } from '../conversations/conversation-registry';
import type { CallLeg } from '../legs/call-leg';
import { CallStatus } from '../legs/call-status';
import type { LegHangup } from '../ports/leg-hangup.port';
import { RingingCallee } from '../legs/ringing-callee';
import type { LegPlacer } from '../ports/leg-placer.port';

/** Where a connected inbound call is rung (a PBX extension's phones, the trunk). */
export interface ConnectTarget {
  /** Rung at once; the first to answer is connected (every phone of an extension). */
  targets: DialTarget[];
  /** What the callee legs' records show as To (the number dialed rather than a dial string). */
  to?: string;
  callerId: string;
  timeoutSeconds: number;
}

export interface InboundConnectionDeps {
  placer: LegPlacer;
  hangup: LegHangup;
  conversations: ConversationRegistry;
}

const SIP_BUSY_HERE = 486;
const SIP_REQUEST_TIMEOUT = 408;
const SIP_TEMPORARILY_UNAVAILABLE = 480;

/** The caller hears why the callee did not answer, as a PBX tells it. */
export function unansweredSipCode(calleeStatus: CallStatus | undefined): number {
  if (calleeStatus === CallStatus.Busy) return SIP_BUSY_HERE;
  if (calleeStatus === CallStatus.NoAnswer) return SIP_REQUEST_TIMEOUT;
  return SIP_TEMPORARILY_UNAVAILABLE;
}

const logger = new Logger('InboundConnection');

/**
 * Rings `connect` for an unanswered inbound caller (child legs: call records with ParentCallSid, one per
 * target) and, when one answers, answers the caller and bridges both in a two-party conversation. The
 * caller stays unanswered until then, so an unanswered callee's reason reaches it as a SIP final
 * response; a caller who gives up cancels the callee. While it rings the callee side can be
 * re-targeted (forwarded): the caller keeps waiting for whoever is rung then.
 */
export async function connectInbound(
  caller: CallLeg,
  connect: ConnectTarget,
  deps: InboundConnectionDeps,
): Promise<void> {
  const callerSid = caller.snapshot.sid;
  const sessionId = `cw-bridge-${randomUUID()}`;
  let ringing: RingingCallee;
  try {
    ringing = await RingingCallee.ring(deps.placer, deps.hangup, deps.conversations.ringing, {
      sessionId,
      waitingCallSid: callerSid,
      accountSid: caller.accountSid,
      request: {
        forCallSid: callerSid,
        accountSid: caller.accountSid,
        to: connect.to,
        callerId: connect.callerId,
        timeoutSeconds: connect.timeoutSeconds,
      },
      targets: connect.targets,
    });
  } catch (error) {
    logger.warn(`${callerSid}: the callee leg could not be placed: ${(error as Error).message}`);
    await caller.reject(SIP_TEMPORARILY_UNAVAILABLE).catch(() => caller.hangup());
    return;
  }
  const cancelCallee = () => void ringing.hangUpAll();
  caller.signal.addEventListener('abort', cancelCallee, { once: true });
  const callee = await ringing.answered;
  caller.signal.removeEventListener('abort', cancelCallee);
  if (caller.signal.aborted) {
    await ringing.hangUpAll();
    return;
  }
  if (!callee) {
    await caller.reject(unansweredSipCode(ringing.status())).catch(() => caller.hangup());
    return;
  }
  try {
    await caller.answer();
    await deps.conversations.create({ id: sessionId, endWhenAlone: true }).start([caller, callee]);
  } catch (error) {
    logger.warn(`${callerSid}: bridging with ${callee.callSid} failed: ${(error as Error).message}`);
    await Promise.allSettled([caller.hangup(), ringing.hangUpAll()]);
  }
}
