import { Injectable, Logger } from '@nestjs/common';
import type { ConversationMember } from '../call-control/conversations/conversation-member';
import { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import { CallQueues, type QueueExit, type QueueMembership } from '../call-control/queues/call-queues';
import { abortableDelay } from '../common/serial-queue';
import type { QueueEntity } from '../queues/queue.entity';
import { QueuesService } from '../queues/queues.service';
import type { QueueConnector, RcmlProgram } from '../rcml/rcml-program';
import type { DialQueueRequest, DialResult, EnqueueRequest, EnqueueResult } from '../rcml/verbs/verb';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';

const RINGBACK = 'tone:ring';
/** A wait document that ends at once is requested again after this pause, not in a tight loop. */
const MIN_WAIT_LOOP_MS = 1000;

const secondsSince = (start: number) => Math.max(0, Math.floor((Date.now() - start) / 1000));
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );

/**
 * `<Enqueue>` and `<Dial><Queue>` on the core's call queues. A member waits running its waitUrl
 * document in a loop (music on hold without one); `<Dial><Queue>` takes the front member, runs its
 * `url` on that caller, and bridges the two in a conversation of the core.
 */
@Injectable()
export class QueueCallsService implements QueueConnector {
  private readonly logger = new Logger(QueueCallsService.name);

  constructor(
    private readonly queues: QueuesService,
    private readonly members: CallQueues,
    private readonly conversations: ConversationRegistry,
    private readonly gateway: TelephonyGateway,
  ) {}

  async enqueue(member: RcmlProgram, request: EnqueueRequest, document: AbortSignal): Promise<EnqueueResult> {
    let queue: QueueEntity;
    try {
      queue = await this.queues.byNameOrCreate(member.leg.accountSid, request.name);
    } catch (error) {
      this.logger.warn(`Enqueue of ${member.leg.sid} into ${request.name} failed: ${error}`);
      return { result: 'error', queueSid: null, queueTimeSeconds: 0 };
    }
    const membership = this.members.enter(queue.sid, queue.maxSize, member.leg);
    if (!membership) return { result: 'queue-full', queueSid: queue.sid, queueTimeSeconds: 0 };
    const start = Date.now();
    const leaveOnAbort = () => membership.leave({ kind: 'gone' });
    document.addEventListener('abort', leaveOnAbort, { once: true });
    const waiting = new AbortController();
    const exited = membership.exited.then((exit) => {
      waiting.abort();
      return exit;
    });
    const wait = this.wait(member, queue, request, membership, waiting).catch((error) =>
      this.logger.warn(`Waiting in ${queue.sid} for ${member.leg.sid} failed: ${error}`),
    );
    const exit = await exited;
    await wait;
    document.removeEventListener('abort', leaveOnAbort);
    const queueTimeSeconds = secondsSince(start);
    const result = (value: EnqueueResult['result']) => ({
      result: value,
      queueSid: queue.sid,
      queueTimeSeconds,
    });
    return this.afterExit(member, queue, exit, queueTimeSeconds, document, result);
  }

  async dialQueue(
    caller: RcmlProgram,
    request: DialQueueRequest,
    document: AbortSignal,
  ): Promise<DialResult> {
    const unbridged = (status: string): DialResult => ({
      status,
      callSid: null,
      durationSeconds: 0,
      sip: null,
      callerGone: document.aborted,
    });
    const queue = await this.queues.byName(caller.leg.accountSid, request.name);
    if (!queue) return unbridged('failed');
    const ringback = new AbortController();
    if (caller.leg.isAnswered()) void caller.leg.media.play(RINGBACK, ringback.signal).catch(() => undefined);
    const giveUp = AbortSignal.any([document, AbortSignal.timeout(request.timeoutSeconds * 1000)]);
    const taken = await this.members
      .dequeueFront(queue.sid, caller.leg.sid, request.url, giveUp)
      .finally(() => ringback.abort());
    if (!taken) return unbridged(document.aborted ? 'canceled' : 'no-answer');
    const ready = await Promise.race([taken.handoff.memberReady, aborted(document).then(() => false)]);
    if (!ready || document.aborted) {
      taken.handoff.finish();
      return unbridged(document.aborted ? 'canceled' : 'failed');
    }
    const start = Date.now();
    try {
      if (!caller.leg.isAnswered()) await caller.leg.answer();
      await this.bridge(caller.leg, taken.leg, document);
    } finally {
      taken.handoff.finish();
    }
    return {
      status: 'completed',
      callSid: taken.callSid,
      durationSeconds: secondsSince(start),
      sip: null,
      callerGone: document.aborted,
      extraParams: { QueueSid: queue.sid, QueueTime: String(taken.waitSeconds) },
    };
  }

  /** Bridges the two until either leaves; the one still up goes on with its own document. */
  private async bridge(caller: ConversationMember, member: ConversationMember, document: AbortSignal) {
    const conversation = this.conversations.create({ endWhenAlone: false });
    try {
      await conversation.start([caller, member]);
      await Promise.race([aborted(member.ended), aborted(document)]);
    } finally {
      for (const party of [member, caller])
        if (!party.ended.aborted) await conversation.leave(party.callSid).catch(() => undefined);
      await conversation.end().catch(() => undefined);
    }
  }

  private async afterExit(
    member: RcmlProgram,
    queue: QueueEntity,
    exit: QueueExit,
    queueTimeSeconds: number,
    document: AbortSignal,
    result: (value: EnqueueResult['result']) => EnqueueResult,
  ): Promise<EnqueueResult> {
    if (exit.kind === 'gone' || member.leg.signal.aborted) {
      if (exit.kind === 'bridge') exit.handoff.ready(false);
      // Still up: its document was replaced (live modification), which takes it out of the queue.
      return member.leg.signal.aborted ? { ...result('hangup'), callerGone: true } : result('redirected');
    }
    if (exit.kind === 'leave') return result('leave');
    if (exit.kind === 'redirect')
      return { ...result('redirected'), redirect: { url: exit.url, method: exit.method } };
    const { handoff } = exit;
    if (handoff.url) {
      const params = {
        QueueSid: queue.sid,
        QueueTime: String(queueTimeSeconds),
        DequeingCallSid: handoff.dequeuerCallSid,
      };
      await member
        .runQueueDocument(handoff.url, () => params, document)
        .catch((error) => this.logger.warn(`The dequeue url on ${member.leg.sid} failed: ${error}`));
    }
    const stillHere = !member.leg.signal.aborted && !member.leg.isEnding && !document.aborted;
    handoff.ready(stillHere);
    if (!stillHere) return { ...result('hangup'), callerGone: member.leg.signal.aborted };
    await handoff.bridgeOver;
    return { ...result('bridged'), callerGone: member.leg.signal.aborted };
  }

  /** The waitUrl loop (or music on hold), until `signal` aborts: the member left the queue. */
  private async wait(
    member: RcmlProgram,
    queue: QueueEntity,
    request: EnqueueRequest,
    membership: QueueMembership,
    waiting: AbortController,
  ): Promise<void> {
    const signal = waiting.signal;
    const channelId = member.leg.channelId;
    if (!request.waitUrl) {
      await this.gateway.startMusicOnHold(channelId);
      await aborted(signal);
      if (!member.leg.signal.aborted) await this.gateway.stopMusicOnHold(channelId).catch(() => undefined);
      return;
    }
    const start = Date.now();
    const params = () => {
      const view = this.members.member(queue.sid, member.leg.sid);
      const stats = this.members.stats(queue.sid);
      return {
        QueueSid: queue.sid,
        QueuePosition: String(view?.position ?? 0),
        QueueTime: String(secondsSince(start)),
        AvgQueueTime: String(stats.averageWaitSeconds),
        CurrentQueueSize: String(stats.currentSize),
        MaxQueueSize: String(queue.maxSize),
      };
    };
    const leave = () => {
      membership.leave({ kind: 'leave' });
      waiting.abort();
      return true;
    };
    while (!signal.aborted && !member.leg.signal.aborted && !member.leg.isEnding) {
      const began = Date.now();
      await member.runQueueDocument(request.waitUrl, params, signal, leave);
      const elapsed = Date.now() - began;
      if (elapsed < MIN_WAIT_LOOP_MS) await abortableDelay(MIN_WAIT_LOOP_MS - elapsed, signal);
    }
  }
}
