import { Injectable } from '@nestjs/common';
import type { TokenHolder } from '../../accounts/access-tokens.service';
import type { AccountEntity } from '../../accounts/account.entity';
import { AccountsService } from '../../accounts/accounts.service';
import { CallControl } from '../../call-control/call-control.service';
import { CallOuts } from '../../call-control/call-outs/call-outs';
import { CallDirection } from '../../call-control/legs/call-status';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { ExtensionsService } from '../../extensions/extensions.service';
import { legNumber, LiveSession, LiveSessionLeg, LiveSessions } from '../live-sessions';
import { SessionParties } from '../session-parties';
import type { CallOutDto, PartyTargetDto } from './dto/telephony-requests.dto';
import { RingcentralParameterError } from './ringcentral-exception.filter';
import { KnownExtension, PartyInput, toRcSession } from './telephony-party-view';
import type { RcParty, RcSession } from './telephony-session-event';

const RING_SECONDS = 30;
const sessionNotFound = (id: string) =>
  new DomainError(DomainErrorCode.NotFound, `Telephony session ${id} is not found`);
const conflict = (message: string) => new DomainError(DomainErrorCode.InvalidPartyState, message);

/**
 * RingCentral's telephony sessions and parties on the core: a session is a LiveSession, a party one
 * of its legs (its id is the CallSid). An extension token sees the sessions its extension has a party
 * in. Every action is a core operation; this only finds parties and checks what RingCentral allows.
 */
@Injectable()
export class TelephonySessionsService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly extensions: ExtensionsService,
    private readonly parties: SessionParties,
    private readonly live: LiveSessions,
    private readonly callOuts: CallOuts,
    private readonly control: CallControl,
    private readonly config: AppConfig,
  ) {}

  /** The from-extension's phones ring first, then the callee's; answers the session as it is now. */
  async callOut(holder: TokenHolder, request: CallOutDto): Promise<RcSession> {
    const account = await this.account(holder);
    const fromNumber = request.from.extensionNumber ?? holder.extensionNumber;
    if (!fromNumber)
      throw new RingcentralParameterError('from', 'from.extensionNumber is required with an account token');
    if (holder.extensionNumber !== null && fromNumber !== holder.extensionNumber)
      throw new DomainError(
        DomainErrorCode.Forbidden,
        `This token may only call out from extension ${holder.extensionNumber}`,
      );
    const agent = await this.parties.resolve(account, fromNumber, 'from');
    if (!agent.extension) throw new RingcentralParameterError('from', `Extension ${fromNumber} is not found`);
    const callee = await this.parties.resolve(account, this.number(request.to, 'to'), 'to');
    const started = await this.callOuts.start({
      accountSid: account.sid,
      caller: {
        targets: agent.targets,
        to: agent.number,
        callerId: callee.number,
        callerName: callee.extension?.extension.displayName,
      },
      callee: {
        targets: callee.targets,
        to: callee.number,
        callerId: callee.extension
          ? agent.number
          : (agent.extension.extension.outboundCallerId ?? agent.number),
        callerName: agent.extension.extension.displayName,
      },
      ringSeconds: RING_SECONDS,
    });
    return this.view(account, this.session(holder, started.id));
  }

  async get(holder: TokenHolder, id: string): Promise<RcSession> {
    return this.view(await this.account(holder), this.session(holder, id));
  }

  /** Drops the whole session: every leg hangs up. */
  async drop(holder: TokenHolder, id: string): Promise<void> {
    const session = this.session(holder, id);
    await Promise.all(session.legs.map(({ record }) => this.control.hangup(record.sid)));
  }

  async party(holder: TokenHolder, id: string, partyId: string): Promise<RcParty> {
    this.leg(holder, id, partyId);
    return this.partyView(holder, id, partyId);
  }

  async setMuted(holder: TokenHolder, id: string, partyId: string, muted: boolean): Promise<RcParty> {
    const leg = this.connected(holder, id, partyId, muted ? 'mute' : 'unmute');
    await (muted ? this.control.mute(leg.record.sid) : this.control.unmute(leg.record.sid));
    return this.partyView(holder, id, partyId);
  }

  async hold(holder: TokenHolder, id: string, partyId: string): Promise<RcParty> {
    const leg = this.connected(holder, id, partyId, 'hold');
    await this.control.hold(leg.record.sid, { sipVisible: this.config.pbxHoldSignalling === 'reinvite' });
    return this.partyView(holder, id, partyId);
  }

  async unhold(holder: TokenHolder, id: string, partyId: string): Promise<RcParty> {
    const leg = this.connected(holder, id, partyId, 'unhold');
    await this.control.unhold(leg.record.sid);
    return this.partyView(holder, id, partyId);
  }

  /** Blind transfer: the party's counterpart is rung at the target; the party leaves once it answers. */
  async transfer(holder: TokenHolder, id: string, partyId: string, to: PartyTargetDto): Promise<RcParty> {
    const leg = this.connected(holder, id, partyId, 'transfer');
    const other = this.counterpart(this.session(holder, id), leg);
    const target = await this.parties.resolve(await this.account(holder), this.number(to, 'body'), 'target');
    await this.control.blindTransfer(leg.record.sid, other.record.sid, {
      target: target.transferTarget,
      to: target.number,
      callerId: legNumber(other.record),
    });
    return this.partyView(holder, id, partyId);
  }

  /**
   * Connects this party with a party of another session, attended-transfer style: both sessions'
   * other party (the one they share, the agent) drops out.
   */
  async bridge(
    holder: TokenHolder,
    id: string,
    partyId: string,
    otherId: string,
    otherPartyId: string,
  ): Promise<RcSession> {
    const leg = this.connected(holder, id, partyId, 'bridge');
    const otherLeg = this.connected(holder, otherId, otherPartyId, 'bridge');
    if (otherId === id)
      throw new RingcentralParameterError('telephonySessionId', 'Both parties are in one session');
    const agentHere = this.counterpart(this.session(holder, id), leg);
    const agentThere = this.counterpart(this.session(holder, otherId), otherLeg);
    await this.control.mergeTransfer({
      initiatorCallSid: agentHere.record.sid,
      transferredCallSid: leg.record.sid,
      consultationCallSid: agentThere.record.sid,
      recipientCallSid: otherLeg.record.sid,
    });
    const merged = this.session(holder, this.live.sessionIdOf(leg.record.sid) ?? id);
    // The agent's legs are being hung up: the session the bridge made is the two parties it joined.
    const dropped = new Set([agentHere.record.sid, agentThere.record.sid]);
    const joined = merged.legs.filter(({ record }) => !dropped.has(record.sid));
    return this.view(await this.account(holder), merged, joined);
  }

  /** An unanswered call into the platform is answered; nothing else can be. */
  async answer(holder: TokenHolder, id: string, partyId: string): Promise<RcParty> {
    const leg = this.ringingInbound(holder, id, partyId, 'answer');
    await this.control.answer(leg.record.sid);
    return this.partyView(holder, id, partyId);
  }

  /** An unanswered party is refused: a call into the platform with 603, a phone being rung stops ringing. */
  async reject(holder: TokenHolder, id: string, partyId: string): Promise<void> {
    const leg = this.leg(holder, id, partyId);
    if (leg.record.answerTime || leg.party)
      throw conflict(`Party ${partyId} has answered: it cannot be rejected`);
    if (leg.record.direction === CallDirection.Inbound) await this.control.reject(leg.record.sid, 603);
    else await this.control.hangup(leg.record.sid);
  }

  /**
   * A ringing party is sent to the target: a callee's phones (rung for a waiting caller or a call-out)
   * stop ringing and the target is rung for the same caller; an unanswered call into the platform gets
   * a 302 and Asterisk leaves the path.
   */
  async forward(holder: TokenHolder, id: string, partyId: string, to: PartyTargetDto): Promise<RcParty> {
    const ringing = this.leg(holder, id, partyId);
    if (!ringing.party && this.control.isRingingCallee(partyId)) {
      const account = await this.account(holder);
      const target = await this.parties.resolve(account, this.number(to, 'body'), 'target');
      const before = this.session(holder, id);
      await this.control.forwardRinging(partyId, { targets: target.targets, to: target.number });
      // The forwarded party shows as it ended (canceled), beside the legs now ringing.
      const after = this.live.find(holder.accountSid, id) ?? before;
      const legs = after.legs.some(({ record }) => record.sid === partyId)
        ? after.legs
        : [...after.legs, ringing];
      const view = await this.view(account, after, legs);
      return view.parties.find((party) => party.id === partyId)!;
    }
    const leg = this.ringingInbound(holder, id, partyId, 'forward');
    const target = await this.parties.resolve(await this.account(holder), this.number(to, 'body'), 'target');
    await this.control.forward(leg.record.sid, target.transferTarget);
    return this.partyView(holder, id, partyId);
  }

  /** Sessions the holder's extension (or account) is in, for presence. */
  async sessionsOf(holder: TokenHolder, extensionNumber: string): Promise<RcSession[]> {
    const account = await this.account(holder);
    const mine = this.live
      .list(holder.accountSid)
      .filter((session) => session.legs.some(({ record }) => legNumber(record) === extensionNumber));
    return Promise.all(mine.map((session) => this.view(account, session)));
  }

  /** A session as RingCentral shows it, with the tenant's extensions named. */
  async view(
    account: AccountEntity,
    session: LiveSession,
    legs: PartyInput[] = session.legs,
  ): Promise<RcSession> {
    const known = new Map<string, KnownExtension>();
    for (const number of new Set(legs.map(({ record }) => legNumber(record)))) {
      const extension = await this.extensions.findInTenant(account, number);
      if (extension)
        known.set(number, { sid: extension.extension.sid, displayName: extension.extension.displayName });
    }
    return toRcSession(session, legs, known);
  }

  // ---- finding sessions and parties (public for the other telephony controllers: park, recordings...) ----

  /** The holder's session `id`; 404 when it is unknown, another account's, or (agent) not its own. */
  session(holder: TokenHolder, id: string): LiveSession {
    const session = this.live.find(holder.accountSid, id);
    if (!session) throw sessionNotFound(id);
    if (
      holder.extensionNumber !== null &&
      !session.legs.some(({ record }) => legNumber(record) === holder.extensionNumber)
    )
      throw sessionNotFound(id);
    return session;
  }

  /** A party of the holder's session; 404 otherwise. */
  leg(holder: TokenHolder, id: string, partyId: string): LiveSessionLeg {
    const leg = this.session(holder, id).legs.find(({ record }) => record.sid === partyId);
    if (!leg)
      throw new DomainError(DomainErrorCode.NotFound, `Party ${partyId} is not found in session ${id}`);
    return leg;
  }

  /** A party that is connected in the conversation; 409 when it is ringing or gone. */
  connected(holder: TokenHolder, id: string, partyId: string, action: string): LiveSessionLeg {
    const leg = this.leg(holder, id, partyId);
    if (!leg.party || leg.party.status !== 'connected')
      throw conflict(`Party ${partyId} is not connected: it cannot ${action}`);
    return leg;
  }

  private ringingInbound(holder: TokenHolder, id: string, partyId: string, action: string): LiveSessionLeg {
    const leg = this.leg(holder, id, partyId);
    if (leg.record.direction !== CallDirection.Inbound || leg.record.answerTime)
      throw conflict(`Party ${partyId} is not an unanswered inbound call: it cannot ${action}`);
    return leg;
  }

  /** The one other connected party of a two-party session; 409 otherwise. */
  counterpart(session: LiveSession, leg: LiveSessionLeg): LiveSessionLeg {
    const others = session.legs.filter(
      (candidate) => candidate.record.sid !== leg.record.sid && candidate.party?.status === 'connected',
    );
    if (others.length !== 1)
      throw conflict(`Session ${session.id} has ${others.length} other connected parties`);
    return others[0];
  }

  async partyView(holder: TokenHolder, id: string, partyId: string): Promise<RcParty> {
    const session = this.live.find(holder.accountSid, id);
    const view = session && (await this.view(await this.account(holder), session));
    const party = view?.parties.find((candidate) => candidate.id === partyId);
    if (!party)
      throw new DomainError(DomainErrorCode.NotFound, `Party ${partyId} is not found in session ${id}`);
    return party;
  }

  number(target: PartyTargetDto, field: string): string {
    const number = target.extensionNumber ?? target.phoneNumber;
    if (!number) throw new RingcentralParameterError(field, `${field} needs phoneNumber or extensionNumber`);
    return number;
  }

  async account(holder: TokenHolder): Promise<AccountEntity> {
    const account = await this.accounts.findBySid(holder.accountSid);
    if (!account)
      throw new DomainError(DomainErrorCode.AuthenticationRequired, 'The account no longer exists');
    return account;
  }
}
