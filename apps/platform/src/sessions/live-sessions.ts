import { Injectable } from '@nestjs/common';
import { CallOuts } from '../call-control/call-outs/call-outs';
import type { PartyView } from '../call-control/conversations/conversation';
import { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import type { CallEntity } from '../call-control/legs/call.entity';
import { LegDirectory } from '../call-control/ports/leg-directory.port';
import { CallDirection } from '../call-control/legs/call-status';

/**
 * The number a leg stands for, as PortSIP matches legs by `extension_number`: the phone that called in
 * (From) for a call into the platform, the phone called (To) for a leg the platform placed.
 */
export function legNumber(record: Readonly<CallEntity>): string {
  return record.direction === CallDirection.Inbound ? record.from : record.to;
}

/** A leg of a live session: its record, and its party once it is in the conversation. */
export interface LiveSessionLeg {
  record: Readonly<CallEntity>;
  party: PartyView | null;
}

/** What the PBX facades call a session: a conversation, or a click-to-call whose phones still ring. */
export interface LiveSession {
  id: string;
  accountSid: string;
  /** Parties in the order they joined, then legs still ringing for it. */
  legs: LiveSessionLeg[];
  /** True while it is a click-to-call not connected yet. */
  callingOut: boolean;
}

/**
 * The live sessions of this node, read from the core: its conversations and its click-to-calls. A
 * session belongs to one account (every leg of it does); the facades decide who else may see it.
 */
@Injectable()
export class LiveSessions {
  constructor(
    private readonly conversations: ConversationRegistry,
    private readonly callOuts: CallOuts,
    private readonly legs: LegDirectory,
  ) {}

  list(accountSid: string): LiveSession[] {
    const sessions: LiveSession[] = [];
    const pending = new Map(this.callOuts.list().map((callOut) => [callOut.id, callOut]));
    for (const conversation of this.conversations.list()) {
      const parties = conversation.partyList();
      const legs = parties.flatMap((party) => this.leg(party.callSid, party));
      const joined = new Set(parties.map((party) => party.callSid));
      const callOut = pending.get(conversation.id);
      for (const callSid of callOut?.callSids ?? [])
        if (!joined.has(callSid)) legs.push(...this.leg(callSid, null));
      pending.delete(conversation.id);
      sessions.push({
        id: conversation.id,
        accountSid: legs[0]?.record.accountSid ?? '',
        legs,
        callingOut: !!callOut,
      });
    }
    for (const callOut of pending.values())
      sessions.push({
        id: callOut.id,
        accountSid: callOut.accountSid,
        legs: callOut.callSids.flatMap((callSid) => this.leg(callSid, null)),
        callingOut: true,
      });
    // A caller waiting while the callee's phones ring (an inbound call to an extension) is a session
    // too, so that its ringing party can be forwarded or rejected.
    const listed = new Set(sessions.map((session) => session.id));
    for (const side of this.conversations.ringing.list())
      if (!listed.has(side.sessionId))
        sessions.push({
          id: side.sessionId,
          accountSid: side.accountSid,
          legs: [side.waitingCallSid, ...side.callSids].flatMap((callSid) => this.leg(callSid, null)),
          callingOut: false,
        });
    return sessions.filter(
      (session) =>
        session.legs.length > 0 && session.legs.every(({ record }) => record.accountSid === accountSid),
    );
  }

  find(accountSid: string, id: string): LiveSession | undefined {
    return this.list(accountSid).find((session) => session.id === id);
  }

  /** Whether the session is one of this node's, whatever its account (another node asks; see cluster/). */
  holds(id: string): boolean {
    return (
      this.conversations.find(id) !== undefined ||
      this.callOuts.list().some((callOut) => callOut.id === id) ||
      this.conversations.ringing.list().some((side) => side.sessionId === id)
    );
  }

  /** The session a leg is in now (its conversation, or the click-to-call it rings for). */
  sessionIdOf(callSid: string): string | undefined {
    return (
      this.conversations.conversationOf(callSid)?.id ??
      this.callOuts.list().find((callOut) => callOut.callSids.includes(callSid))?.id ??
      this.conversations.ringing
        .list()
        .find((side) => side.waitingCallSid === callSid || side.callSids.includes(callSid))?.sessionId
    );
  }

  private leg(callSid: string, party: PartyView | null): LiveSessionLeg[] {
    const record = this.legs.find(callSid)?.snapshot;
    return record ? [{ record, party }] : [];
  }
}
