import type { DialTarget } from '../../telephony/telephony-gateway.port';
import type { ConversationMember } from '../conversations/conversation-member';
import type { LegHangup } from '../ports/leg-hangup.port';
import type { LegPlacer, PlacedLeg, PlaceLegRequest } from '../ports/leg-placer.port';
import { CallStatus } from './call-status';

/** Several legs ringing at once for one callee (each of its registered phones). */
export interface RingingLegs {
  /** Every leg placed, one per target, each a call record of its own. */
  readonly members: ConversationMember[];
  /** The first to answer (the others are hung up then), or null once none can. */
  readonly answered: Promise<ConversationMember | null>;
  /** Why nobody answered: busy only when every phone was busy. */
  status(): CallStatus | undefined;
  /** Hangs up every leg still up. */
  hangUpAll(): Promise<void>;
}

/**
 * Rings every target at once with the same request, as a PBX rings all phones of an extension: the
 * first answer wins and the others are canceled. Rejects only when no leg could even be placed.
 */
export async function ringAll(
  placer: LegPlacer,
  hangup: LegHangup,
  request: Omit<PlaceLegRequest, 'target'>,
  targets: DialTarget[],
): Promise<RingingLegs> {
  const placed: PlacedLeg[] = [];
  let firstError: unknown;
  for (const target of targets) {
    try {
      placed.push(await placer.placeLeg({ ...request, target }));
    } catch (error) {
      firstError ??= error;
    }
  }
  if (placed.length === 0) throw firstError ?? new Error('nothing to ring');
  const hangUp = (member: ConversationMember) =>
    member.ended.aborted ? Promise.resolve() : hangup.hangUp(member.callSid).catch(() => undefined);
  let winner: ConversationMember | null = null;
  const answered = new Promise<ConversationMember | null>((resolve) => {
    let unanswered = 0;
    for (const leg of placed)
      void leg.answered.then((yes) => {
        if (yes && winner === null) {
          winner = leg.member;
          resolve(winner);
          for (const other of placed) if (other !== leg) void hangUp(other.member);
        } else if (!yes && ++unanswered === placed.length) resolve(null);
      });
  });
  return {
    members: placed.map((leg) => leg.member),
    answered,
    status: () => {
      const statuses = placed.map((leg) => leg.status?.());
      if (statuses.every((status) => status === CallStatus.Busy)) return CallStatus.Busy;
      if (statuses.includes(CallStatus.NoAnswer)) return CallStatus.NoAnswer;
      return statuses.find((status) => status !== undefined);
    },
    hangUpAll: async () => {
      await Promise.all(placed.map((leg) => hangUp(leg.member)));
    },
  };
}
