import { Injectable } from '@nestjs/common';
import type { TokenHolder } from '../../accounts/access-tokens.service';
import type { AccountEntity } from '../../accounts/account.entity';
import { accountSipDomain } from '../../accounts/sip-domain';
import { CallControl } from '../../call-control/call-control.service';
import { ParkOrbits } from '../../call-control/parking/park-orbits';
import { LegDirectory } from '../../call-control/ports/leg-directory.port';
import { Supervisions } from '../../call-control/supervision/supervisions';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { ExtensionsService } from '../../extensions/extensions.service';
import { legNumber, LiveSession, LiveSessionLeg, LiveSessions } from '../live-sessions';
import { autoAnswerHeader, SessionParties } from '../session-parties';
import type { FlipDto, PickupDto, SuperviseDto } from './dto/telephony-pbx-requests.dto';
import { RingcentralParameterError } from './ringcentral-exception.filter';
import { TelephonyDevices } from './telephony-devices';
import type { RcParty } from './telephony-session-event';
import { TelephonySessionsService } from './telephony-sessions.service';

const RING_SECONDS = 30;
const conflict = (message: string) => new DomainError(DomainErrorCode.InvalidPartyState, message);

/**
 * RingCentral's park, pickup, flip and supervise on the core's park orbits, flips and supervisions.
 * Like the other party actions, this only finds parties and phones and checks what RingCentral allows.
 */
@Injectable()
export class TelephonyPbxFeaturesService {
  constructor(
    private readonly sessions: TelephonySessionsService,
    private readonly live: LiveSessions,
    private readonly devices: TelephonyDevices,
    private readonly orbits: ParkOrbits,
    private readonly supervisions: Supervisions,
    private readonly control: CallControl,
    private readonly legs: LegDirectory,
    private readonly parties: SessionParties,
    private readonly extensions: ExtensionsService,
  ) {}

  /** The party's counterpart goes to the account's park orbit and the party drops; answers the parked party. */
  async park(holder: TokenHolder, id: string, partyId: string): Promise<RcParty> {
    const leg = this.sessions.connected(holder, id, partyId, 'park');
    const other = this.sessions.counterpart(this.sessions.session(holder, id), leg);
    await this.orbits.park(leg.record.sid, other.record.sid);
    return this.sessions.partyView(holder, id, other.record.sid);
  }

  /**
   * Rings the picking extension's phones (or the one `deviceId` names) for the parked party; the first
   * to answer is connected with it. Any extension of the account may pick up a parked call.
   */
  async pickup(holder: TokenHolder, id: string, partyId: string, body: PickupDto): Promise<RcParty> {
    const account = await this.sessions.account(holder);
    const { leg } = this.parkedParty(holder, id, partyId);
    const number = body.extensionNumber ?? holder.extensionNumber;
    if (!number)
      throw new RingcentralParameterError(
        'extensionNumber',
        'extensionNumber is required with an account token',
      );
    this.ownExtension(holder, number, 'pick up');
    const phones = await this.devices.phones(account, number, 'extensionNumber', body.deviceId, 'deviceId');
    await this.orbits.pickup(leg.record.sid, {
      targets: phones.targets,
      to: number,
      callerId: legNumber(leg.record),
      ringSeconds: RING_SECONDS,
    });
    // The picker's extension is not in the session yet: the party is shown as the account sees it.
    return this.sessions.partyView(holder, id, partyId);
  }

  /** Moves the party's call to another registered phone of its own extension (`callFlipId`). */
  async flip(holder: TokenHolder, id: string, partyId: string, body: FlipDto): Promise<RcParty> {
    const account = await this.sessions.account(holder);
    const leg = this.sessions.connected(holder, id, partyId, 'flip');
    const other = this.sessions.counterpart(this.sessions.session(holder, id), leg);
    const number = legNumber(leg.record);
    if (!(await this.parties.isExtension(account, number)))
      throw conflict(`Party ${partyId} is no extension's call: there is no other phone to flip it to`);
    const phones = await this.devices.phones(account, number, 'callFlipId', body.callFlipId);
    if (phones.contacts.length < 2)
      throw new RingcentralParameterError(
        'callFlipId',
        `Extension ${number} has one registered phone: there is no other phone to flip to`,
      );
    await this.control.flip(leg.record.sid, {
      target: phones.targets[0],
      to: number,
      callerId: legNumber(other.record),
    });
    return this.sessions.partyView(holder, id, partyId);
  }

  /**
   * Listen-only supervision of a session (`partyId`: of one party, hearing only what it says): the
   * supervisor's phones ring and, once one answers, it hears the call through a snoop channel. Needs
   * an account token (there are no call monitoring groups to say who may listen to whom).
   */
  async supervise(
    holder: TokenHolder,
    id: string,
    body: SuperviseDto,
    partyId?: string,
  ): Promise<RcParty & { telephonySessionId: string }> {
    if (holder.extensionNumber !== null)
      throw new DomainError(DomainErrorCode.Forbidden, 'Supervision needs an account-level token');
    const account = await this.sessions.account(holder);
    const session = this.sessions.session(holder, id);
    const agent = partyId
      ? this.sessions.connected(holder, id, partyId, 'be supervised')
      : await this.agentOf(account, session, body);
    if (!agent.party || agent.party.status !== 'connected')
      throw conflict(`Party ${agent.record.sid} is not connected: it cannot be supervised`);
    if (!body.extensionNumber)
      throw new RingcentralParameterError(
        'extensionNumber',
        "extensionNumber (the supervisor's) is required",
      );
    const phones = await this.devices.phones(
      account,
      body.extensionNumber,
      'extensionNumber',
      body.supervisorDeviceId,
      'supervisorDeviceId',
    );
    const supervision = await this.supervisions.supervise({
      agentCallSid: agent.record.sid,
      spy: partyId ? 'in' : 'both',
      targets: phones.targets,
      to: body.extensionNumber,
      callerId: legNumber(agent.record),
      headers: body.autoAnswer === false ? {} : autoAnswerHeader('CALL_INFO', accountSipDomain(account)),
      ringSeconds: RING_SECONDS,
    });
    const record = this.legs.find(supervision.supervisorCallSids[0])?.snapshot;
    if (!record) throw conflict("The supervisor's call ended at once");
    const view = await this.sessions.view(
      account,
      { id: supervision.id, accountSid: account.sid, legs: [], callingOut: false },
      [{ record, party: null }],
    );
    return { ...view.parties[0], telephonySessionId: supervision.id };
  }

  /** A parked party of the account's session: any extension may reach it, not only those in the session. */
  private parkedParty(holder: TokenHolder, id: string, partyId: string): { leg: LiveSessionLeg } {
    const session = this.live.find(holder.accountSid, id);
    const leg = session?.legs.find(({ record }) => record.sid === partyId);
    if (!leg)
      throw new DomainError(DomainErrorCode.NotFound, `Party ${partyId} is not found in session ${id}`);
    if (!this.orbits.find(partyId)) throw conflict(`Party ${partyId} is not parked: it cannot be picked up`);
    return { leg };
  }

  /** The monitored party: the agent named, else the session's only extension party. */
  private async agentOf(
    account: AccountEntity,
    session: LiveSession,
    body: SuperviseDto,
  ): Promise<LiveSessionLeg> {
    let number = body.agentExtensionNumber;
    if (!number && body.agentExtensionId) {
      const { extension } = await this.extensions.get(account, body.agentExtensionId);
      number = extension.extensionNumber;
    }
    const candidates: LiveSessionLeg[] = [];
    for (const leg of session.legs) {
      const legAt = legNumber(leg.record);
      if (number ? legAt === number : await this.parties.isExtension(account, legAt)) candidates.push(leg);
    }
    if (candidates.length !== 1)
      throw new RingcentralParameterError(
        'agentExtensionId',
        number
          ? `Extension ${number} has no party in session ${session.id}`
          : `Session ${session.id} has ${candidates.length} extension parties: name the agent (agentExtensionId or agentExtensionNumber)`,
      );
    return candidates[0];
  }

  /** An extension token acts only for its own extension. */
  private ownExtension(holder: TokenHolder, number: string, action: string): void {
    if (holder.extensionNumber !== null && holder.extensionNumber !== number)
      throw new DomainError(
        DomainErrorCode.Forbidden,
        `This token may only ${action} for extension ${holder.extensionNumber}`,
      );
  }
}
