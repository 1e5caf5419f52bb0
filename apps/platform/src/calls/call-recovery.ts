import { Logger } from '@nestjs/common';
import { abortableDelay } from '../common/serial-queue';
import type { TelephonyGateway, TelephonyInventory } from '../telephony/telephony-gateway.port';
import type { CallEntity } from '../call-control/legs/call.entity';
import type { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import type { CallEventBus } from '../call-control/events/call-event-bus';
import { watchForTransfer } from '../call-control/events/transfer-watch';
import type { CallRecords } from '../call-control/legs/call-records';
import { CallDirection, CallStatus } from '../call-control/legs/call-status';
import type { RcmlProgram } from '../rcml/rcml-program';

/** How often live records get `last_seen`: the error bound of an end time nobody observed. */
export const HEARTBEAT_MS = 2000;

const HANGUP_WAIT_MS = 5000;

/** Resolves when every session has finished, or after `ms`. */
async function settled(sessions: RcmlProgram[], ms: number): Promise<void> {
  const done = new AbortController();
  void Promise.all(sessions.map((session) => session.leg.finished)).then(() => done.abort());
  await abortableDelay(ms, done.signal);
}

/** What recovery needs from the call-control core. */
export interface RecoveryHost {
  /** True for calls this process already runs or queues (they are not a previous process's). */
  owns(callSid: string): boolean;
  /** A session for a stored call; `tracked` ones count as live calls of their account. */
  sessionFor(call: CallEntity, options: { leg: boolean; tracked: boolean }): Promise<RcmlProgram | null>;
  liveCallSids(): string[];
  /** A queued call another node's live process still holds (it dials it in time). */
  queuedOnLiveNode(call: CallEntity): Promise<boolean>;
}

const LOST_SEEN =
  'The call ended while no platform process was watching it; its end time is the last time the platform saw it';
const LOST_NOTED =
  'The call ended while no platform process was watching it; its end time is the one Asterisk noted';
const LOST_SETUP = 'The platform restarted while this call was being set up; it was ended';
const LOST_QUEUE = 'The platform process that queued this call stopped before dialing it; it was never dialed';

/**
 * Calls a previous platform process left live: those Asterisk still holds, answered, are taken over
 * (a Dial conversation stays bridged); the others are closed through the state machine with the
 * best known end time, and their status callbacks sent.
 */
export class CallRecovery {
  private readonly logger = new Logger(CallRecovery.name);
  private heartbeat: NodeJS.Timeout | null = null;
  /** Only records older than this process can be a previous process's. */
  private readonly startedAt = new Date();

  constructor(
    private readonly records: CallRecords,
    private readonly gateway: TelephonyGateway,
    private readonly host: RecoveryHost,
    private readonly core: { conversations: ConversationRegistry; events: CallEventBus },
  ) {}

  private finishFirstPass!: () => void;
  /** Settles once the first recovery pass is over (whatever it found), so nothing races it. */
  readonly recovered = new Promise<void>((resolve) => (this.finishFirstPass = resolve));

  /** Recovery runs once, at the first connection to Asterisk (the inventory needs it). */
  start(): void {
    let recovery: Promise<void> | null = null;
    this.gateway.onConnected(() => {
      recovery ??= this.recover()
        .catch((error) => this.logger.error(`Re-adopting calls failed: ${error}`))
        .finally(() => this.finishFirstPass());
    });
    // Another node died: the calls of the server it held are this process's now.
    this.gateway.onServerTakenOver((server) => {
      void this.recovered
        .then(() => this.recoverServer(server))
        .catch((error) => this.logger.error(`Re-adopting the calls of ${server} failed: ${error}`));
    });
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /**
   * Shutdown: live calls are left up for the next process (nothing more is sent to Asterisk), or
   * with `drainOnStop` given `drainTimeoutSeconds` to end before the rest are hung up (their final
   * status stored and status callbacks sent, within a few seconds).
   */
  async stop(
    live: () => RcmlProgram[],
    drain: { drainOnStop: boolean; drainTimeoutSeconds: number },
  ): Promise<void> {
    if (!drain.drainOnStop) {
      this.stopHeartbeat();
      this.gateway.release();
      for (const session of live()) session.leg.detach();
      return;
    }
    await settled(live(), drain.drainTimeoutSeconds * 1000);
    const rest = live();
    // A channel Asterisk already dropped is no reason to stop hanging up the others.
    await Promise.allSettled(rest.map((session) => session.leg.hangup('platform')));
    await settled(rest, HANGUP_WAIT_MS);
    this.stopHeartbeat();
    await Promise.all(live().map((session) => session.leg.shutdown()));
  }

  private async beat(): Promise<void> {
    const sids = this.host.liveCallSids();
    if (sids.length === 0) return;
    try {
      await this.records.heartbeat(sids);
    } catch (error) {
      this.logger.warn(`Heartbeat failed: ${error}`);
    }
  }

  /** At boot: a previous process's calls on the servers this node holds (another node's stay its own). */
  async recover(): Promise<void> {
    const records = (await this.records.findLive()).filter(
      (call) =>
        call.dateCreated < this.startedAt &&
        !this.host.owns(call.sid) &&
        this.gateway.ownsServer(call.asteriskServer),
    );
    await this.recoverRecords(await this.withoutLiveQueues(records));
  }

  /** A server taken over from a dead node: every call it left live there, whenever it was created. */
  async recoverServer(server: string): Promise<void> {
    const records = (await this.records.findLive()).filter(
      (call) =>
        !this.host.owns(call.sid) &&
        (call.asteriskServer === server || (call.asteriskServer === null && this.gateway.ownsServer(null))),
    );
    await this.recoverRecords(await this.withoutLiveQueues(records));
  }

  /**
   * Calls never placed have no server; they count as the first server's, whose holder closes the
   * queued calls a dead process left, never those still waiting in another live node's queue.
   */
  private async withoutLiveQueues(records: CallEntity[]): Promise<CallEntity[]> {
    const kept: CallEntity[] = [];
    for (const call of records) {
      const waiting = call.status === CallStatus.Queued && call.channelId === null;
      if (!waiting || !(await this.host.queuedOnLiveNode(call))) kept.push(call);
    }
    return kept;
  }

  private async recoverRecords(records: CallEntity[]): Promise<void> {
    if (records.length === 0) return;
    const inventory = await this.gateway.inventory();
    const adopted = new Map<string, RcmlProgram>();
    for (const call of records) {
      const alive = call.channelId !== null && inventory.channelIds.has(call.channelId);
      if (alive && call.status === CallStatus.InProgress) {
        const session = await this.host.sessionFor(call, {
          leg: call.direction === CallDirection.OutboundDial,
          tracked: true,
        });
        if (session) adopted.set(call.channelId!, session);
        continue;
      }
      if (alive) await this.gateway.hangup(call.channelId!, 'failure');
      const neverDialed = call.status === CallStatus.Queued && call.channelId === null;
      await this.closeLost(call, alive ? LOST_SETUP : neverDialed ? LOST_QUEUE : null);
    }
    this.rebuildConversations(adopted, inventory);
    for (const channelId of adopted.keys())
      await this.gateway.resumeChannel(channelId).catch(() => undefined);
    // A channel that ended while the records were being read had its events delivered to nobody.
    const still = (await this.gateway.inventory()).channelIds;
    for (const [channelId, session] of adopted) {
      if (still.has(channelId)) continue;
      const noted = await this.gateway.hangupTime(channelId).catch(() => null);
      void session.leg.closeLost(noted ?? new Date(), LOST_NOTED);
    }
    const lost = records.length - adopted.size;
    this.logger.log(`Re-adopted ${adopted.size} live call(s); closed ${lost} that a previous run left live`);
  }

  private async closeLost(call: CallEntity, message: string | null): Promise<void> {
    const session = await this.host.sessionFor(call, { leg: true, tracked: false });
    if (!session) return;
    const noted =
      message || !call.channelId ? null : await this.gateway.hangupTime(call.channelId).catch(() => null);
    let endTime = noted ?? call.lastSeen ?? new Date();
    if (call.answerTime && endTime < call.answerTime) endTime = call.answerTime;
    await session.leg.closeLost(endTime, message ?? (noted ? LOST_NOTED : LOST_SEEN));
  }

  /** A Dial's caller and callee still in their bridge are joined again: one hanging up ends the other. */
  private rebuildConversations(adopted: Map<string, RcmlProgram>, inventory: TelephonyInventory): void {
    const joined = new Set<RcmlProgram>();
    for (const bridge of inventory.bridges) {
      const members = bridge.channelIds.map((id) => adopted.get(id)).filter((s) => s !== undefined);
      const child = members.find((s) => s.leg.snapshot.direction === CallDirection.OutboundDial);
      const parent = child && members.find((s) => s.leg.sid === child.leg.snapshot.parentCallSid);
      if (parent && child) {
        this.rejoin(parent, child, bridge.bridgeId);
        joined.add(parent).add(child);
      }
    }
    for (const session of adopted.values()) {
      if (joined.has(session)) continue;
      session.readopt();
      // Alone in a Dial's bridge (dial-operation.ts names them cw-bridge-): the other party hung up
      // meanwhile, and with no document to go on with, this one ends as a Dial without an action does.
      const inDial = inventory.bridges.some(
        (bridge) =>
          bridge.channelIds.includes(session.leg.channelId) && bridge.bridgeId.startsWith('cw-bridge-'),
      );
      if (inDial) void session.leg.hangup('platform');
    }
  }

  /**
   * The Dial's conversation again, as a conversation of the core (hold, transfers work on it): one side
   * hanging up ends the other, a redirected caller leaves and its callee follows it or ends, and once a
   * transfer runs on it the core decides.
   */
  private rejoin(parent: RcmlProgram, child: RcmlProgram, bridgeId: string): void {
    const conversation = this.core.conversations.create({ id: bridgeId, endWhenAlone: true });
    const resumeEndWhenAlone = conversation.suspendEndWhenAlone();
    const transfer = watchForTransfer(this.core.events, [parent.leg.sid, child.leg.sid]);
    void conversation.adopt([parent.leg, child.leg]).catch((error) => {
      // A party that hung up meanwhile is no failure: the other follows it (below).
      if (!parent.leg.ended.aborted && !child.leg.ended.aborted)
        this.logger.warn(`Rejoining ${bridgeId} failed: ${error}`);
    });
    let separated = false;
    void transfer.promise.then(() => {
      separated = true;
      resumeEndWhenAlone();
    });
    const leave = (session: RcmlProgram) => conversation.leave(session.leg.sid).catch(() => undefined);
    // A redirected caller leaves the bridge first; its callee follows it (MoveConnectedCallLeg) or ends.
    parent.readopt(async () => {
      const first = !separated;
      separated = true;
      await leave(parent);
      if (!first) return;
      const move = parent.connectedLegTarget();
      void (move ? child.redirect(move) : child.leg.hangup('platform'));
    });
    child.readopt(async () => {
      const first = !separated;
      separated = true;
      await leave(child);
      if (first) void parent.leg.hangup('platform');
    });
    const hangUpOther = (other: RcmlProgram) => {
      if (separated) return;
      separated = true;
      void other.leg.hangup('platform');
    };
    void parent.leg.finished.then(() => hangUpOther(child));
    void child.leg.finished.then(() => hangUpOther(parent));
    void Promise.all([parent.leg.finished, child.leg.finished]).then(() => {
      transfer.stop();
      return conversation.end().catch(() => undefined);
    });
  }
}
