import { Injectable } from '@nestjs/common';
import type { TokenHolder } from '../../accounts/access-tokens.service';
import type { AccountEntity } from '../../accounts/account.entity';
import { AccountsService } from '../../accounts/accounts.service';
import { CallControl } from '../../call-control/call-control.service';
import { CallOuts } from '../../call-control/call-outs/call-outs';
import { ConversationRegistry } from '../../call-control/conversations/conversation-registry';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import type { AttendedReferDto, SessionOptionsDto } from './dto/session-requests.dto';
import { LiveSessions } from '../live-sessions';
import { SessionParties } from '../session-parties';
import { legNumber, SessionDto, SessionLeg, toSessionDto } from './session-view';

/** How long each phone of a click-to-call rings. */
const RING_SECONDS = 30;
/** PortSIP's `{id}` that means "the extension's most recently established call". */
const MOST_RECENT = '1';

interface Session {
  id: string;
  legs: SessionLeg[];
}

const notFound = (id: string) => new DomainError(DomainErrorCode.NotFound, `Session ${id} was not found`);
const unmatched = (message: string) => new DomainError(DomainErrorCode.InvalidParameter, message);

/**
 * PortSIP's sessions on the call-control core: a session is a conversation (or a click-to-call whose
 * phones are still ringing), each leg a call. Legs are matched as PortSIP does, by the extension or
 * phone number they stand for. The core does the call control; this only finds legs and asks it.
 */
@Injectable()
export class PortsipSessionsService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly parties: SessionParties,
    private readonly callOuts: CallOuts,
    private readonly live: LiveSessions,
    private readonly conversations: ConversationRegistry,
    private readonly control: CallControl,
    private readonly config: AppConfig,
  ) {}

  /** Click-to-call: the caller's phone rings first, then the callee's; answers once the caller rings. */
  async create(holder: TokenHolder, request: SessionOptionsDto): Promise<{ id: string }> {
    if (holder.extensionNumber !== null && request.caller !== holder.extensionNumber)
      throw new DomainError(
        DomainErrorCode.Forbidden,
        `Extension ${holder.extensionNumber} may only place calls as itself (caller ${request.caller})`,
      );
    const account = await this.account(holder);
    const { caller, callee } = await this.parties.callOutParties(account, request);
    const started = await this.callOuts.start({
      accountSid: account.sid,
      caller,
      callee,
      ringSeconds: RING_SECONDS,
      userData: request.user_data ?? null,
    });
    return { id: started.id };
  }

  async list(holder: TokenHolder): Promise<SessionDto[]> {
    return Promise.all(this.sessions(holder).map((session) => this.view(session)));
  }

  async get(holder: TokenHolder, id: string): Promise<SessionDto> {
    return this.view(this.session(holder, id));
  }

  /** Every leg of the session is hung up (a ringing one is canceled). */
  async destroy(holder: TokenHolder, id: string): Promise<void> {
    const session = this.session(holder, id);
    await Promise.all(session.legs.map(({ record }) => this.control.hangup(record.sid)));
  }

  async hold(holder: TokenHolder, id: string, extensionNumber: string): Promise<void> {
    const leg = this.establishedLeg(holder, id, extensionNumber);
    await this.control.hold(leg.record.sid, { sipVisible: this.config.pbxHoldSignalling === 'reinvite' });
  }

  async unhold(holder: TokenHolder, id: string, extensionNumber: string): Promise<void> {
    await this.control.unhold(this.establishedLeg(holder, id, extensionNumber).record.sid);
  }

  /** Blind transfer: the other party of the extension's leg is rung at `referTo`; the extension drops. */
  async refer(holder: TokenHolder, id: string, extensionNumber: string, referTo: string): Promise<void> {
    const leg = this.establishedLeg(holder, id, extensionNumber);
    const other = this.otherParty(this.session(holder, this.sessionIdOf(leg)), leg);
    const recipient = await this.parties.resolve(await this.account(holder), referTo, 'refer_to');
    await this.control.blindTransfer(leg.record.sid, other.record.sid, {
      target: recipient.transferTarget,
      to: recipient.number,
      callerId: legNumber(other.record),
    });
  }

  /**
   * Attended transfer between two established calls of the extension: the other party of the first is
   * connected with the other party of the second, and both of the extension's legs are hung up.
   */
  async attendedRefer(holder: TokenHolder, request: AttendedReferDto): Promise<void> {
    const first = this.consultedLeg(holder, request, request.session_1, request.refer_to_1, '1');
    const second = this.consultedLeg(holder, request, request.session_2, request.refer_to_2, '2');
    if (first.session.id === second.session.id) throw unmatched('session_1 and session_2 name the same call');
    await this.control.mergeTransfer({
      initiatorCallSid: first.leg.record.sid,
      transferredCallSid: first.other.record.sid,
      consultationCallSid: second.leg.record.sid,
      recipientCallSid: second.other.record.sid,
    });
  }

  // ---- finding sessions and legs ----

  /** The holder's live sessions: its account's, or with an agent's token those its extension is in. */
  private sessions(holder: TokenHolder): Session[] {
    return this.live
      .list(holder.accountSid)
      .map((session) => ({ id: session.id, legs: session.legs.map((leg) => ({ ...leg, trunk: null })) }))
      .filter(
        (session) =>
          holder.extensionNumber === null ||
          session.legs.some(({ record }) => legNumber(record) === holder.extensionNumber),
      );
  }

  private session(holder: TokenHolder, id: string): Session {
    const session = this.sessions(holder).find((candidate) => candidate.id === id);
    if (!session) throw notFound(id);
    return session;
  }

  /**
   * The extension's established leg in session `id`, or with `id` 1 in its most recently established
   * session. An agent's token acts for its own extension only.
   */
  private establishedLeg(holder: TokenHolder, id: string, extensionNumber: string): SessionLeg {
    if (holder.extensionNumber !== null && holder.extensionNumber !== extensionNumber)
      throw new DomainError(
        DomainErrorCode.Forbidden,
        `This token acts for extension ${holder.extensionNumber} only`,
      );
    const candidates = (id === MOST_RECENT ? this.sessions(holder) : [this.session(holder, id)]).flatMap(
      (session) => session.legs.filter(({ record }) => legNumber(record) === extensionNumber),
    );
    const established = candidates.filter(
      ({ party, record }) => party?.status === 'connected' && record.answerTime,
    );
    if (established.length === 0)
      throw unmatched(
        candidates.length > 0
          ? `The call of ${extensionNumber} is not established yet`
          : `No call of ${extensionNumber} ${id === MOST_RECENT ? 'is established' : `in session ${id}`}`,
      );
    return established.reduce((latest, leg) =>
      new Date(leg.record.answerTime!).getTime() > new Date(latest.record.answerTime!).getTime()
        ? leg
        : latest,
    );
  }

  private sessionIdOf(leg: SessionLeg): string {
    return this.conversations.conversationOf(leg.record.sid)!.id;
  }

  /** The one other established party of a two-party session. */
  private otherParty(session: Session, leg: SessionLeg): SessionLeg {
    const others = session.legs.filter(
      (candidate) => candidate.record.sid !== leg.record.sid && candidate.party?.status === 'connected',
    );
    if (others.length !== 1)
      throw unmatched(
        `Session ${session.id} has ${others.length} other connected parties; a transfer needs one`,
      );
    return others[0];
  }

  /** Attended refer's leg `n`: by its session id when given (not "0"), else by the other party's number. */
  private consultedLeg(
    holder: TokenHolder,
    request: AttendedReferDto,
    sessionId: string | undefined,
    referTo: string | undefined,
    n: '1' | '2',
  ): { session: Session; leg: SessionLeg; other: SessionLeg } {
    if (sessionId && sessionId !== '0') {
      const leg = this.establishedLeg(holder, sessionId, request.extension_number);
      const session = this.session(holder, sessionId);
      return { session, leg, other: this.otherParty(session, leg) };
    }
    if (!referTo)
      throw unmatched(
        `Either session_${n} or refer_to_${n} must identify the call of ${request.extension_number}`,
      );
    for (const session of this.sessions(holder)) {
      const legs = session.legs.filter(({ party }) => party?.status === 'connected');
      const leg = legs.find(({ record }) => legNumber(record) === request.extension_number);
      const other = legs.find(
        ({ record }) => record.sid !== leg?.record.sid && legNumber(record) === referTo,
      );
      if (leg && other && legs.length === 2) return { session, leg, other };
    }
    throw unmatched(`No established call between ${request.extension_number} and ${referTo} (refer_to_${n})`);
  }

  private async view(session: Session): Promise<SessionDto> {
    const account = await this.accounts.findBySid(session.legs[0].record.accountSid);
    const legs = await Promise.all(
      session.legs.map(async (leg) => ({ ...leg, trunk: account ? await this.trunkOf(account, leg) : null })),
    );
    return toSessionDto(session.id, legs);
  }

  /** A leg the platform placed to a phone number (not an extension, not a SIP URI) left by the trunk. */
  private async trunkOf(account: AccountEntity, leg: SessionLeg): Promise<string | null> {
    const number = legNumber(leg.record);
    if (leg.record.direction === 'inbound' || !/^\+?[0-9*#]+$/.test(number)) return null;
    return (await this.parties.isExtension(account, number)) ? null : this.parties.trunkName;
  }

  private async account(holder: TokenHolder): Promise<AccountEntity> {
    const account = await this.accounts.findBySid(holder.accountSid);
    if (!account)
      throw new DomainError(DomainErrorCode.AuthenticationRequired, 'The account no longer exists');
    return account;
  }
}
