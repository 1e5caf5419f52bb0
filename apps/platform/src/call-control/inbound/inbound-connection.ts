import { Logger } from '@nestjs/common';
import type { DialTarget } from '../../telephony/telephony-gateway.port';
import type { ConversationRegistry } from '../conversations/conversation-registry';
import type { CallLeg } from '../legs/call-leg';
import { CallStatus } from '../legs/call-status';
import type { LegDirectory } from '../ports/leg-directory.port';
import type { LegPlacer } from '../ports/leg-placer.port';

/** Where a connected inbound call is rung (a PBX extension's phones, the trunk). */
export interface ConnectTarget {
  target: DialTarget;
  /** What the callee leg's record shows as To (the number dialed rather than its dial string). */
  to?: string;
  callerId: string;
  timeoutSeconds: number;
}

export interface InboundConnectionDeps {
  placer: LegPlacer;
  conversations: ConversationRegistry;
  directory: LegDirectory;
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
 * Rings `connect` for an unanswered inbound caller (a child leg: its own call record with ParentCallSid)
 * and, when it answers, answers the caller and bridges both in a two-party conversation. The caller
 * stays unanswered until then, so an unanswered callee's reason reaches it as a SIP final response;
 * a caller who gives up cancels the callee.
 */
export async function connectInbound(
  caller: CallLeg,
  connect: ConnectTarget,
  deps: InboundConnectionDeps,
): Promise<void> {
  const callerSid = caller.snapshot.sid;
  let placed;
  try {
    placed = await deps.placer.placeLeg({
      forCallSid: callerSid,
      accountSid: caller.accountSid,
      target: connect.target,
      to: connect.to,
      callerId: connect.callerId,
      timeoutSeconds: connect.timeoutSeconds,
    });
  } catch (error) {
    logger.warn(`${callerSid}: the callee leg could not be placed: ${(error as Error).message}`);
    await caller.reject(SIP_TEMPORARILY_UNAVAILABLE).catch(() => caller.hangup());
    return;
  }
  const callee = () => deps.directory.find(placed.member.callSid);
  const cancelCallee = () =>
    void callee()
      ?.hangup('cancel')
      .catch(() => undefined);
  caller.signal.addEventListener('abort', cancelCallee, { once: true });
  const answered = await placed.answered;
  caller.signal.removeEventListener('abort', cancelCallee);
  if (caller.signal.aborted) {
    if (answered)
      await callee()
        ?.hangup()
        .catch(() => undefined);
    return;
  }
  if (!answered) {
    await caller.reject(unansweredSipCode(placed.status?.())).catch(() => caller.hangup());
    return;
  }
  try {
    await caller.answer();
    await deps.conversations.create({ endWhenAlone: true }).start([caller, placed.member]);
  } catch (error) {
    logger.warn(`${callerSid}: bridging with ${placed.member.callSid} failed: ${(error as Error).message}`);
    await Promise.allSettled([caller.hangup(), callee()?.hangup()]);
  }
}
