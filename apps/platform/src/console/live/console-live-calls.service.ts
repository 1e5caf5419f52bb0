import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { AccountEntity } from '../../accounts/account.entity';
import { CallControl } from '../../call-control/call-control.service';
import { ConversationRegistry } from '../../call-control/conversations/conversation-registry';
import { CallEntity } from '../../call-control/legs/call.entity';
import { isTerminal } from '../../call-control/legs/call-state-machine';
import { CallStatus } from '../../call-control/legs/call-status';
import { LegDirectory } from '../../call-control/ports/leg-directory.port';
import { Supervisions, type SupervisionView } from '../../call-control/supervision/supervisions';
import { CallsService } from '../../calls/calls.service';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { legNumber } from '../../sessions/live-sessions';
import { SessionParties } from '../../sessions/session-parties';
import { LiveCallDto, toLiveCall } from './live-call-view';

const LIVE_STATUSES = [CallStatus.Queued, CallStatus.Ringing, CallStatus.InProgress];
const MAX_LIVE = 1000;
const LISTEN_RING_SECONDS = 30;

/**
 * Live calls of an account and what a supervisor does with them, each through the operation the APIs
 * use: hang up and redirect are the Calls API's modification (CallsService.modify); hold, unhold and
 * transfer the core operations the PBX facades call, with targets resolved as they resolve them
 * (SessionParties); listen is the core's supervision (Supervisions), as RingCentral's supervise.
 */
@Injectable()
export class ConsoleLiveCallsService {
  constructor(
    @InjectRepository(CallEntity) private readonly records: Repository<CallEntity>,
    private readonly calls: CallsService,
    private readonly control: CallControl,
    private readonly conversations: ConversationRegistry,
    private readonly legs: LegDirectory,
    private readonly supervisions: Supervisions,
    private readonly parties: SessionParties,
    private readonly config: AppConfig,
  ) {}

  /** From the database (every node's calls), party state from this node's conversations. */
  async list(account: AccountEntity): Promise<LiveCallDto[]> {
    const records = await this.records.find({
      where: { accountSid: account.sid, status: In(LIVE_STATUSES) },
      order: { dateCreated: 'DESC' },
      take: MAX_LIVE,
    });
    return records.map((record) => this.view(this.legs.find(record.sid)?.snapshot ?? record));
  }

  /** The call as it is now on this node, or null when it is not live here. */
  current(callSid: string): LiveCallDto | null {
    const record = this.legs.find(callSid)?.snapshot;
    return record && !isTerminal(record.status) ? this.view(record) : null;
  }

  view(record: Readonly<CallEntity>): LiveCallDto {
    const located = this.conversations.partyOf(record.sid);
    return toLiveCall(record, located && { conversationId: located.conversation.id, party: located.party });
  }

  /** The Calls API's `Status=completed`: it ends the call in any live state (queued and ringing too). */
  async hangup(account: AccountEntity, callSid: string): Promise<LiveCallDto | null> {
    await this.calls.modify(account, callSid, { Status: 'completed' });
    return this.current(callSid);
  }

  async redirect(
    account: AccountEntity,
    callSid: string,
    url: string,
    method: 'GET' | 'POST',
  ): Promise<LiveCallDto | null> {
    await this.calls.modify(account, callSid, { Url: url, Method: method });
    return this.current(callSid);
  }

  async hold(account: AccountEntity, callSid: string, held: boolean): Promise<LiveCallDto | null> {
    await this.liveCall(account, callSid);
    if (held) await this.control.hold(callSid, { sipVisible: this.config.pbxHoldSignalling === 'reinvite' });
    else await this.control.unhold(callSid);
    return this.current(callSid);
  }

  /** Blind transfer of this call: the party it talks to drops out once `to` answers. */
  async transfer(account: AccountEntity, callSid: string, to: string): Promise<LiveCallDto | null> {
    await this.liveCall(account, callSid);
    const initiator = this.counterpart(callSid);
    const target = await this.parties.resolve(account, to, 'to');
    const initiatorRecord = this.legs.find(initiator)?.snapshot;
    await this.control.blindTransfer(initiator, callSid, {
      target: target.transferTarget,
      to: target.number,
      callerId: initiatorRecord ? legNumber(initiatorRecord) : to,
    });
    return this.current(callSid);
  }

  /** Rings `to` (an extension's phones or a number); once answered it hears the call, unheard. */
  async listen(account: AccountEntity, callSid: string, to: string): Promise<SupervisionView> {
    const record = await this.liveCall(account, callSid);
    const target = await this.parties.resolve(account, to, 'to');
    return this.supervisions.supervise({
      agentCallSid: callSid,
      spy: 'both',
      targets: target.targets,
      to: target.number,
      callerId: legNumber(record),
      ringSeconds: LISTEN_RING_SECONDS,
    });
  }

  private async liveCall(account: AccountEntity, callSid: string): Promise<Readonly<CallEntity>> {
    const call = await this.calls.get(account, callSid);
    const record = this.legs.find(call.sid)?.snapshot;
    if (!record || isTerminal(record.status))
      throw new DomainError(DomainErrorCode.CallNotInProgress, `Call ${callSid} is not in progress`);
    return record;
  }

  private counterpart(callSid: string): string {
    const conversation = this.conversations.conversationOf(callSid);
    if (!conversation)
      throw new DomainError(DomainErrorCode.PartyNotFound, `Call ${callSid} is not in a conversation`);
    const others = conversation
      .partyList()
      .filter((party) => party.callSid !== callSid && party.status === 'connected');
    if (others.length !== 1)
      throw new DomainError(
        DomainErrorCode.InvalidPartyState,
        `Call ${callSid} has ${others.length} other connected parties: a transfer needs exactly one`,
      );
    return others[0].callSid;
  }
}
