import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { DialTarget, TelephonyGateway } from '../../telephony/telephony-gateway.port';
import type { ConversationMember } from '../conversations/conversation-member';
import { ConversationRegistry } from '../conversations/conversation-registry';
import { ringAll } from '../legs/ring-all';
import { LegHangup } from '../ports/leg-hangup.port';
import { LegPlacer } from '../ports/leg-placer.port';

export interface SuperviseRequest {
  /** The party listened to (an agent in a call): a connected party of a conversation. */
  agentCallSid: string;
  /** `both`: what the party says and hears (the whole call); `in`: only what the party says. */
  spy: 'both' | 'in';
  /** The supervisor's phones, rung at once: the first to answer listens. */
  targets: DialTarget[];
  /** What the supervisor's leg record shows as To (the supervisor's extension). */
  to: string;
  callerId: string;
  callerName?: string;
  headers?: Record<string, string>;
  ringSeconds: number;
}

export type SupervisionStage = 'ringing' | 'listening' | 'ended';

/** A supervision as facades see it: its id is the id of the supervisor's own conversation. */
export interface SupervisionView {
  id: string;
  accountSid: string;
  agentCallSid: string;
  /** The supervisor's legs being rung, then the one that answered. */
  supervisorCallSids: string[];
  stage: SupervisionStage;
}

/**
 * Listen-only supervision: the supervisor's phone is rung; once it answers, a snoop channel on the
 * agent's channel (hearing it, whispering nothing) and the supervisor's leg are bridged in a
 * conversation of their own. Asterisk does it all inside: the agent's and the customer's phones are
 * sent no SIP and their conversation gets no party. The agent's call ending ends the supervision.
 */
@Injectable()
export class Supervisions {
  private readonly logger = new Logger(Supervisions.name);
  private readonly supervisions = new Map<string, SupervisionView>();

  constructor(
    private readonly registry: ConversationRegistry,
    private readonly placer: LegPlacer,
    private readonly legs: LegHangup,
    private readonly gateway: TelephonyGateway,
  ) {}

  /** Rings the supervisor; resolves once its phones ring. */
  async supervise(request: SuperviseRequest): Promise<SupervisionView> {
    const located = this.registry.partyOf(request.agentCallSid);
    const agent = located?.conversation.member(request.agentCallSid);
    if (!located || !agent)
      throw new DomainError(
        DomainErrorCode.PartyNotFound,
        `Call ${request.agentCallSid} is not in a conversation`,
      );
    if (located.party.status !== 'connected')
      throw new DomainError(
        DomainErrorCode.InvalidPartyState,
        `Party ${request.agentCallSid} is not connected: it cannot be supervised`,
      );
    const ringing = await ringAll(
      this.placer,
      this.legs,
      {
        forCallSid: request.agentCallSid,
        accountSid: agent.accountSid,
        to: request.to,
        callerId: request.callerId,
        callerName: request.callerName,
        headers: request.headers,
        timeoutSeconds: request.ringSeconds,
        userData: null,
      },
      request.targets,
    );
    const view: SupervisionView = {
      id: `cw-bridge-${randomUUID()}`,
      accountSid: agent.accountSid,
      agentCallSid: request.agentCallSid,
      supervisorCallSids: ringing.members.map((leg) => leg.callSid),
      stage: 'ringing',
    };
    this.supervisions.set(view.id, view);
    const cancel = () => void ringing.hangUpAll();
    agent.ended.addEventListener('abort', cancel, { once: true });
    void ringing.answered
      .then(async (supervisor) => {
        agent.ended.removeEventListener('abort', cancel);
        if (supervisor) await this.listen(view, agent, supervisor, request.spy);
      })
      .catch((error: unknown) => this.logger.warn(`Supervision ${view.id}: ${String(error)}`))
      .finally(() => {
        if (view.stage !== 'listening') this.end(view);
      });
    return this.copy(view);
  }

  find(id: string): SupervisionView | undefined {
    const view = this.supervisions.get(id);
    return view && this.copy(view);
  }

  /** Live supervisions of an agent's leg. */
  of(agentCallSid: string): SupervisionView[] {
    return [...this.supervisions.values()]
      .filter((view) => view.agentCallSid === agentCallSid)
      .map((view) => this.copy(view));
  }

  private async listen(
    view: SupervisionView,
    agent: ConversationMember,
    supervisor: ConversationMember,
    spy: SuperviseRequest['spy'],
  ): Promise<void> {
    view.supervisorCallSids = [supervisor.callSid];
    const hangUpSupervisor = () => void this.hangUp(supervisor);
    if (agent.ended.aborted) return hangUpSupervisor();
    const snoopChannelId = this.gateway.newChannelId();
    let snoopUp = false;
    const hangUpSnoop = () => {
      if (snoopUp)
        void this.gateway
          .hangup(snoopChannelId)
          .catch((error: unknown) => this.logger.debug(`snoop ${snoopChannelId}: ${String(error)}`));
    };
    // Watched before it exists: Asterisk ends the snoop when the agent's channel goes.
    const watch = this.gateway.watchChannel(snoopChannelId, (event) => {
      if (event.kind !== 'hangup') return;
      snoopUp = false;
      watch.stop();
      hangUpSupervisor();
    });
    agent.ended.addEventListener('abort', hangUpSupervisor, { once: true });
    const conversation = this.registry.create({ id: view.id, endWhenAlone: false });
    conversation.onEnded(() => {
      agent.ended.removeEventListener('abort', hangUpSupervisor);
      hangUpSnoop();
      watch.stop();
      this.end(view);
    });
    try {
      await conversation.start([supervisor]);
      await this.gateway.snoop(agent.channelId, { snoopChannelId, spy, whisper: 'none' });
      snoopUp = true;
      await this.gateway.addToBridge(conversation.id, snoopChannelId);
    } catch (error) {
      hangUpSnoop();
      hangUpSupervisor();
      throw error;
    }
    if (!conversation.isEnded) view.stage = 'listening';
  }

  private end(view: SupervisionView): void {
    view.stage = 'ended';
    this.supervisions.delete(view.id);
  }

  private async hangUp(member: ConversationMember): Promise<void> {
    if (!member.ended.aborted) await this.legs.hangUp(member.callSid).catch(() => undefined);
  }

  private copy(view: SupervisionView): SupervisionView {
    return { ...view, supervisorCallSids: [...view.supervisorCallSids] };
  }
}
