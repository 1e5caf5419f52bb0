import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import type { ConversationMember } from '../conversations/conversation-member';

/**
 * The dequeuing call and its member meet here: the member side reports when it is ready to be
 * bridged (after the dequeuer's `url` document ran on it), the dequeuer side when the bridge is over.
 */
export class QueueHandoff {
  private readyResolve!: (ready: boolean) => void;
  private finishResolve!: () => void;
  readonly memberReady = new Promise<boolean>((resolve) => (this.readyResolve = resolve));
  readonly bridgeOver = new Promise<void>((resolve) => (this.finishResolve = resolve));

  constructor(
    readonly dequeuerCallSid: string,
    readonly url: { url: string; method: 'GET' | 'POST' } | null,
  ) {}

  ready(ready: boolean): void {
    this.readyResolve(ready);
  }

  finish(): void {
    this.finishResolve();
  }
}

/** Why a member left its queue. */
export type QueueExit =
  /** A `<Leave>` in its wait document. */
  | { kind: 'leave' }
  /** The caller hung up (or its document was replaced) while waiting. */
  | { kind: 'gone' }
  /** Dequeued through the API (Members update with a Url): the call goes to that document. */
  | { kind: 'redirect'; url: string; method: 'GET' | 'POST' }
  /** Dequeued by a call's `<Dial><Queue>`: it is bridged with that call. */
  | { kind: 'bridge'; handoff: QueueHandoff };

export interface QueueMemberView {
  queueSid: string;
  callSid: string;
  /** 1 for the front of the queue. */
  position: number;
  enqueuedAt: Date;
  waitSeconds: number;
}

export interface QueueStats {
  currentSize: number;
  /** Mean seconds the members that left this queue (on this node) had waited; 0 before any left. */
  averageWaitSeconds: number;
}

interface Member {
  queueSid: string;
  leg: ConversationMember;
  enqueuedAt: Date;
  exit: (exit: QueueExit) => void;
}

/** A place in a queue: `exited` settles once, with the reason the member left. */
export interface QueueMembership {
  readonly exited: Promise<QueueExit>;
  /** The member leaves by itself (`<Leave>`, hangup); no-op once it has left. */
  leave(exit: QueueExit): void;
}

interface Waiter {
  dequeuerCallSid: string;
  take: (member: Member) => void;
}

const seconds = (since: Date, now = Date.now()) => Math.max(0, Math.floor((now - since.getTime()) / 1000));

/**
 * Call queues: each queue (by its QueueSid) is a waiting area of legs, first in, first out. Members are
 * kept in memory, in this node only (a queue's members are the calls this node runs); the queue
 * resource itself (name, maxSize) is stored by the facades' queue service.
 */
@Injectable()
export class CallQueues {
  private readonly queues = new Map<string, Member[]>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly waits = new Map<string, { total: number; count: number }>();

  /** Adds the leg at the back of the queue; null when the queue already has `maxSize` members. */
  enter(queueSid: string, maxSize: number, leg: ConversationMember): QueueMembership | null {
    const members = this.membersOf(queueSid);
    if (members.some((member) => member.leg.callSid === leg.callSid))
      throw new DomainError(DomainErrorCode.InvalidParameter, `Call ${leg.callSid} is already queued`);
    const waiter = this.waiters.get(queueSid)?.shift();
    if (!waiter && members.length >= maxSize) return null;
    let settle!: (exit: QueueExit) => void;
    const exited = new Promise<QueueExit>((resolve) => (settle = resolve));
    let done = false;
    const member: Member = {
      queueSid,
      leg,
      enqueuedAt: new Date(),
      exit: (exit) => {
        if (done) return;
        done = true;
        this.remove(member);
        settle(exit);
      },
    };
    members.push(member);
    leg.ended.addEventListener('abort', () => member.exit({ kind: 'gone' }), { once: true });
    if (waiter) waiter.take(member);
    return { exited, leave: (exit) => member.exit(exit) };
  }

  /**
   * Takes the member at the front for `dequeuerCallSid`, waiting for one while the queue is empty,
   * until `signal` aborts (then null). The member is told to bridge through the returned handoff.
   */
  async dequeueFront(
    queueSid: string,
    dequeuerCallSid: string,
    url: QueueHandoff['url'],
    signal: AbortSignal,
  ): Promise<{
    callSid: string;
    leg: ConversationMember;
    handoff: QueueHandoff;
    waitSeconds: number;
  } | null> {
    const member =
      this.membersOf(queueSid)[0] ??
      (await new Promise<Member | null>((resolve) => {
        if (signal.aborted) return resolve(null);
        const waiter: Waiter = { dequeuerCallSid, take: resolve };
        const waiting = this.waiters.get(queueSid) ?? [];
        waiting.push(waiter);
        this.waiters.set(queueSid, waiting);
        signal.addEventListener(
          'abort',
          () => {
            const list = this.waiters.get(queueSid) ?? [];
            const index = list.indexOf(waiter);
            if (index >= 0) list.splice(index, 1);
            resolve(null);
          },
          { once: true },
        );
      }));
    if (!member) return null;
    const handoff = new QueueHandoff(dequeuerCallSid, url);
    const waitSeconds = seconds(member.enqueuedAt);
    member.exit({ kind: 'bridge', handoff });
    return { callSid: member.leg.callSid, leg: member.leg, handoff, waitSeconds };
  }

  /** Dequeues one member (`Front` or its CallSid) to a new document; its view as it was, or null. */
  redirect(queueSid: string, callSid: string, url: string, method: 'GET' | 'POST'): QueueMemberView | null {
    const view = this.member(queueSid, callSid);
    const member = this.find(queueSid, callSid);
    if (!view || !member) return null;
    member.exit({ kind: 'redirect', url, method });
    return view;
  }

  members(queueSid: string): QueueMemberView[] {
    const now = Date.now();
    return this.membersOf(queueSid).map((member, index) => ({
      queueSid,
      callSid: member.leg.callSid,
      position: index + 1,
      enqueuedAt: member.enqueuedAt,
      waitSeconds: seconds(member.enqueuedAt, now),
    }));
  }

  /** `callSid` may be `Front`, as in Twilio's Members resource. */
  member(queueSid: string, callSid: string): QueueMemberView | null {
    const members = this.members(queueSid);
    return (callSid === 'Front' ? members[0] : members.find((member) => member.callSid === callSid)) ?? null;
  }

  stats(queueSid: string): QueueStats {
    const waits = this.waits.get(queueSid);
    return {
      currentSize: this.membersOf(queueSid).length,
      averageWaitSeconds: waits && waits.count > 0 ? Math.round(waits.total / waits.count) : 0,
    };
  }

  private find(queueSid: string, callSid: string): Member | undefined {
    const members = this.membersOf(queueSid);
    return callSid === 'Front' ? members[0] : members.find((member) => member.leg.callSid === callSid);
  }

  private membersOf(queueSid: string): Member[] {
    let members = this.queues.get(queueSid);
    if (!members) {
      members = [];
      this.queues.set(queueSid, members);
    }
    return members;
  }

  private remove(member: Member): void {
    const members = this.membersOf(member.queueSid);
    const index = members.indexOf(member);
    if (index >= 0) members.splice(index, 1);
    if (members.length === 0) this.queues.delete(member.queueSid);
    const waits = this.waits.get(member.queueSid) ?? { total: 0, count: 0 };
    waits.total += seconds(member.enqueuedAt);
    waits.count += 1;
    this.waits.set(member.queueSid, waits);
  }
}
