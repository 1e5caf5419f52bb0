import { Injectable, Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import type { DialTarget } from '../../telephony/telephony-gateway.port';
import type { Conversation } from '../conversations/conversation';
import type { ConversationMember } from '../conversations/conversation-member';
import { ConversationRegistry } from '../conversations/conversation-registry';
import { ringAll, type RingingLegs } from '../legs/ring-all';
import { LegHangup } from '../ports/leg-hangup.port';
import { LegPlacer } from '../ports/leg-placer.port';

/** The park ids of an account's orbit: the lowest free one is given first, as desk-phone PBXs number slots. */
const FIRST_PARK_ID = 801;
const LAST_PARK_ID = 899;

/** A call waiting in a park orbit. */
export interface ParkedCallView {
  parkId: string;
  accountSid: string;
  /** The parked leg: a party of its own conversation, held on music. */
  callSid: string;
  conversationId: string;
  parkedAt: Date;
  /** True while phones ring to pick it up. */
  pickingUp: boolean;
}

/** Whom a pickup rings (every phone of the picking user, say): the first to answer takes the call. */
export interface PickupRequest {
  targets: DialTarget[];
  /** What the new legs' records show as To (the picking extension). */
  to: string;
  /** The caller id the picking phones are shown (the parked caller). */
  callerId: string;
  callerName?: string;
  headers?: Record<string, string>;
  ringSeconds: number;
}

interface Slot {
  view: ParkedCallView;
  conversation: Conversation;
  member: ConversationMember;
  released: boolean;
  /** Lets the conversation end itself again (a parked party is alone in it). */
  resume: () => void;
  stopWatching: () => void;
}

/**
 * Call park: each account has an orbit of park ids. A parked call stays in its own conversation (so
 * its session keeps its id), alone there on music on hold, until a pickup rings someone's phones and
 * the first to answer joins it, or until it hangs up. The party that parked it is hung up.
 */
@Injectable()
export class ParkOrbits {
  private readonly logger = new Logger(ParkOrbits.name);
  /** accountSid -> park id -> slot. */
  private readonly orbits = new Map<string, Map<string, Slot>>();

  constructor(
    private readonly registry: ConversationRegistry,
    private readonly placer: LegPlacer,
    private readonly legs: LegHangup,
  ) {}

  /** `parker` parks `parked` (a party of its conversation) and is hung up; resolves once parked. */
  async park(parkerCallSid: string, parkedCallSid: string): Promise<ParkedCallView> {
    if (parkerCallSid === parkedCallSid)
      throw new DomainError(DomainErrorCode.InvalidParameter, `Call ${parkedCallSid} cannot park itself`);
    const conversation = this.registry.conversationOf(parkedCallSid);
    const member = conversation?.member(parkedCallSid);
    if (!conversation || !member || !conversation.party(parkerCallSid))
      throw new DomainError(
        DomainErrorCode.PartyNotFound,
        `Calls ${parkerCallSid} and ${parkedCallSid} are not in one conversation`,
      );
    const orbit = this.orbit(member.accountSid);
    const parkId = this.freeParkId(orbit);
    const slot: Slot = {
      view: {
        parkId,
        accountSid: member.accountSid,
        callSid: parkedCallSid,
        conversationId: conversation.id,
        parkedAt: new Date(),
        pickingUp: false,
      },
      conversation,
      member,
      released: false,
      resume: conversation.suspendEndWhenAlone(),
      stopWatching: () => undefined,
    };
    // Taken before the first await: two parks at once get two ids.
    orbit.set(parkId, slot);
    try {
      await conversation.park(parkedCallSid, parkId);
    } catch (error) {
      this.release(slot);
      throw error;
    }
    const onEnded = () => this.release(slot);
    member.ended.addEventListener('abort', onEnded, { once: true });
    slot.stopWatching = () => member.ended.removeEventListener('abort', onEnded);
    conversation.onEnded(onEnded);
    if (member.ended.aborted) this.release(slot);
    await this.legs
      .hangUp(parkerCallSid)
      .catch((error: unknown) => this.logger.warn(`hangup of parker ${parkerCallSid}: ${String(error)}`));
    return { ...slot.view };
  }

  /**
   * Rings `request.targets` for the parked call; the first to answer joins it and the call leaves the
   * orbit. Resolves once they ring, with their legs; an unanswered pickup leaves the call parked.
   */
  async pickup(
    parkedCallSid: string,
    request: PickupRequest,
  ): Promise<{ parkId: string; callSids: string[] }> {
    const slot = this.slotOf(parkedCallSid);
    if (!slot)
      throw new DomainError(DomainErrorCode.InvalidPartyState, `Call ${parkedCallSid} is not parked`);
    if (slot.view.pickingUp)
      throw new DomainError(
        DomainErrorCode.InvalidPartyState,
        `Parked call ${slot.view.parkId} is already being picked up`,
      );
    slot.view.pickingUp = true;
    let ringing: RingingLegs;
    try {
      ringing = await ringAll(
        this.placer,
        this.legs,
        {
          forCallSid: parkedCallSid,
          accountSid: slot.view.accountSid,
          to: request.to,
          callerId: request.callerId,
          callerName: request.callerName,
          headers: request.headers,
          timeoutSeconds: request.ringSeconds,
          userData: null,
        },
        request.targets,
      );
    } catch (error) {
      slot.view.pickingUp = false;
      throw error;
    }
    void this.connect(slot, ringing).catch((error: unknown) =>
      this.logger.warn(`pickup of ${slot.view.parkId}: ${String(error)}`),
    );
    return { parkId: slot.view.parkId, callSids: ringing.members.map((leg) => leg.callSid) };
  }

  /** The parked call a leg is, if it is one. */
  find(callSid: string): ParkedCallView | undefined {
    const slot = this.slotOf(callSid);
    return slot && { ...slot.view };
  }

  /** The account's parked calls, by park id. */
  list(accountSid: string): ParkedCallView[] {
    return [...(this.orbits.get(accountSid)?.values() ?? [])]
      .map((slot) => ({ ...slot.view }))
      .sort((a, b) => Number(a.parkId) - Number(b.parkId));
  }

  private async connect(slot: Slot, ringing: RingingLegs): Promise<void> {
    const cancel = () => void ringing.hangUpAll();
    slot.member.ended.addEventListener('abort', cancel, { once: true });
    const picker = await ringing.answered;
    slot.member.ended.removeEventListener('abort', cancel);
    if (!picker) {
      slot.view.pickingUp = false;
      return;
    }
    if (slot.released || slot.member.ended.aborted) {
      await this.hangUp(picker);
      return;
    }
    try {
      await slot.conversation.join(picker);
      await slot.conversation.unpark(slot.view.callSid);
    } catch (error) {
      slot.view.pickingUp = false;
      await this.hangUp(picker);
      throw error;
    }
    this.release(slot);
  }

  /** The slot is free again and the conversation ends the usual way (picked up, or nobody left). */
  private release(slot: Slot): void {
    if (slot.released) return;
    slot.released = true;
    slot.stopWatching();
    const orbit = this.orbits.get(slot.view.accountSid);
    if (orbit?.get(slot.view.parkId) === slot) orbit.delete(slot.view.parkId);
    if (orbit?.size === 0) this.orbits.delete(slot.view.accountSid);
    slot.resume();
  }

  private slotOf(callSid: string): Slot | undefined {
    for (const orbit of this.orbits.values())
      for (const slot of orbit.values()) if (slot.view.callSid === callSid) return slot;
    return undefined;
  }

  private orbit(accountSid: string): Map<string, Slot> {
    let orbit = this.orbits.get(accountSid);
    if (!orbit) {
      orbit = new Map();
      this.orbits.set(accountSid, orbit);
    }
    return orbit;
  }

  private freeParkId(orbit: Map<string, Slot>): string {
    for (let id = FIRST_PARK_ID; id <= LAST_PARK_ID; id++) if (!orbit.has(String(id))) return String(id);
    throw new DomainError(DomainErrorCode.InvalidPartyState, 'The park orbit is full');
  }

  private async hangUp(member: ConversationMember): Promise<void> {
    if (!member.ended.aborted) await this.legs.hangUp(member.callSid).catch(() => undefined);
  }
}
