import { DomainError, DomainErrorCode } from '../../common/domain-error';
import type { DialTarget } from '../../telephony/telephony-gateway.port';
import type { ConversationMember } from '../conversations/conversation-member';
import type { LegHangup } from '../ports/leg-hangup.port';
import type { LegPlacer, PlaceLegRequest } from '../ports/leg-placer.port';
import type { CallStatus } from './call-status';
import { ringAll, type RingingLegs } from './ring-all';

export interface RingingCalleeOptions {
  /** The conversation the answer will be bridged into (the session id the PBX facades show). */
  sessionId: string;
  /** The party waiting for the callee: an unanswered caller, or a call-out's answered first party. */
  waitingCallSid: string;
  accountSid: string;
  request: Omit<PlaceLegRequest, 'target'>;
  targets: DialTarget[];
  /** Told of the legs placed each time the callee is (re)rung. */
  onPlaced?: (members: ConversationMember[]) => void;
}

/** Every callee side ringing on this node, so that an API can forward it while it rings. */
export class RingingCallees {
  private readonly sides = new Set<RingingCallee>();

  add(side: RingingCallee): void {
    this.sides.add(side);
  }
  remove(side: RingingCallee): void {
    this.sides.delete(side);
  }
  /** The side one of whose legs (ringing now) this call is. */
  ringing(callSid: string): RingingCallee | undefined {
    return [...this.sides].find((side) => side.isRinging(callSid));
  }
  list(): RingingCallee[] {
    return [...this.sides];
  }
}

const notRinging = () =>
  new DomainError(
    DomainErrorCode.InvalidPartyState,
    'The callee is no longer ringing: it cannot be forwarded',
  );

/**
 * The callee side of a call being set up: its phones ring (every one at once) while a party waits, and
 * the first to answer is the callee. Until one answers it can be re-targeted (RingCentral's forward of a
 * ringing party): the new target rings first, then the old phones stop, canceled, and whoever answers
 * the new target is the callee, for the same waiting party.
 */
export class RingingCallee {
  readonly answered: Promise<ConversationMember | null>;
  /** Every leg placed for it, the canceled ones included, in order. */
  readonly callSids: string[] = [];
  private legs!: RingingLegs;
  private generation = 0;
  private over = false;
  private resolveAnswered!: (member: ConversationMember | null) => void;

  private constructor(
    private readonly placer: LegPlacer,
    private readonly hangup: LegHangup,
    private readonly registry: RingingCallees,
    private readonly options: RingingCalleeOptions,
  ) {
    this.answered = new Promise((resolve) => (this.resolveAnswered = resolve));
  }

  /** Rings the targets; rejects only when no leg could even be placed. */
  static async ring(
    placer: LegPlacer,
    hangup: LegHangup,
    registry: RingingCallees,
    options: RingingCalleeOptions,
  ): Promise<RingingCallee> {
    const side = new RingingCallee(placer, hangup, registry, options);
    side.follow(await ringAll(placer, hangup, options.request, options.targets));
    registry.add(side);
    return side;
  }

  get sessionId(): string {
    return this.options.sessionId;
  }
  get waitingCallSid(): string {
    return this.options.waitingCallSid;
  }
  get accountSid(): string {
    return this.options.accountSid;
  }
  /** The legs ringing now. */
  get members(): ConversationMember[] {
    return this.legs.members;
  }

  isRinging(callSid: string): boolean {
    return (
      !this.over && this.legs.members.some((member) => member.callSid === callSid && !member.ended.aborted)
    );
  }

  /** Why nobody answered (the last target's outcome). */
  status(): CallStatus | undefined {
    return this.legs.status();
  }

  /** Stops every phone of it ringing: nobody will be the callee. */
  async hangUpAll(): Promise<void> {
    this.settle(null);
    await this.legs.hangUpAll();
  }

  /** Rings `targets` instead (`to`: what their records show as To); 409 once the callee answered. */
  async retarget(targets: DialTarget[], to?: string): Promise<ConversationMember[]> {
    if (this.over) throw notRinging();
    // The record shows the new target's number, else its own address (not the number first dialed).
    const request = { ...this.options.request, to };
    const next = await ringAll(this.placer, this.hangup, request, targets);
    if (this.over) {
      await next.hangUpAll();
      throw notRinging();
    }
    const previous = this.legs;
    this.follow(next);
    await previous.hangUpAll();
    return next.members;
  }

  private follow(legs: RingingLegs): void {
    const generation = ++this.generation;
    this.legs = legs;
    this.callSids.push(...legs.members.map((member) => member.callSid));
    this.options.onPlaced?.(legs.members);
    void legs.answered.then((member) => {
      // A replaced target's legs are hung up by the retarget, an answer among them included.
      if (generation === this.generation) this.settle(member);
    });
  }

  private settle(member: ConversationMember | null): void {
    if (this.over) return;
    this.over = true;
    this.registry.remove(this);
    this.resolveAnswered(member);
  }
}
