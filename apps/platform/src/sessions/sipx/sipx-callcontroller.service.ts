import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { AccountEntity } from '../../accounts/account.entity';
import { AccountsService } from '../../accounts/accounts.service';
import { CallControl } from '../../call-control/call-control.service';
import { CallOuts } from '../../call-control/call-outs/call-outs';
import { ConversationRegistry } from '../../call-control/conversations/conversation-registry';
import type { CallLeg } from '../../call-control/legs/call-leg';
import { ringAll } from '../../call-control/legs/ring-all';
import { LegDirectory } from '../../call-control/ports/leg-directory.port';
import { LegHangup } from '../../call-control/ports/leg-hangup.port';
import { LegPlacer } from '../../call-control/ports/leg-placer.port';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { accountSipDomain } from '../../accounts/sip-domain';
import type { DialTarget } from '../../telephony/telephony-gateway.port';
import { ResolvedNumber, SessionParties } from '../session-parties';
import { SipxCallRecord, SipxCallRecords, statusLinesOf } from './sipx-call-records';
import { assertMayActFor, SipxCaller } from './sipx-caller';
import type { SipxCallParams } from './sipx-params';

/** How long the called user's phone rings in INVITE mode (sipX's timeout is the calling user's). */
const CALLED_RING_SECONDS = 30;
/**
 * A phone that follows the REFER calls the target itself; some (baresip) leave the referred dialog up,
 * so the platform ends its leg once the phone had time to send its new INVITE.
 */
const RELEASE_AFTER_REFER_MS = 3000;

const invalid = (message: string) => new DomainError(DomainErrorCode.InvalidParameter, message);

/**
 * sipX's third-party call controller on the call-control core. INVITE mode is a call-out (the calling
 * user's phones first, then the called user's, bridged, the platform staying in the path); REFER mode
 * rings the calling user and, once it answers, REFERs it to the called user and steps out. What a GET
 * reports is the status line of each SIP response the legs' INVITEs got, kept per pair of users.
 */
@Injectable()
export class SipxCallControllerService implements OnModuleDestroy {
  private readonly logger = new Logger(SipxCallControllerService.name);
  private readonly records = new SipxCallRecords();

  constructor(
    private readonly accounts: AccountsService,
    private readonly parties: SessionParties,
    private readonly callOuts: CallOuts,
    private readonly conversations: ConversationRegistry,
    private readonly control: CallControl,
    private readonly directory: LegDirectory,
    private readonly placer: LegPlacer,
    private readonly hangup: LegHangup,
  ) {}

  onModuleDestroy(): void {
    this.records.clear();
  }

  /** Whether this node keeps a call between the two users (of any account). */
  keepsCallBetween(callingUser: string, calledUser: string): boolean {
    return this.records.hasPair(callingUser, calledUser);
  }

  async post(
    caller: SipxCaller,
    callingUser: string,
    calledUser: string,
    params: SipxCallParams,
  ): Promise<void> {
    assertMayActFor(caller, callingUser, params.agent);
    const account = await this.account(caller);
    if (params.action === 'transfer') return this.transfer(account, callingUser, calledUser, params.target!);
    const record: SipxCallRecord = {
      accountSid: account.sid,
      callingUser,
      calledUser,
      sipMethod: params.sipMethod,
      callOutId: null,
      legs: [],
      referSentTo: null,
      expiry: null,
    };
    if (params.sipMethod === 'INVITE') await this.invite(account, record, params);
    else await this.refer(account, record, params);
    this.records.put(record, params.resultCacheSeconds);
  }

  /** The status lines of the call last placed between the two users (404 when none is kept). */
  status(caller: SipxCaller, callingUser: string, calledUser: string): string[] {
    const record = this.records.get(caller.accountSid, callingUser, calledUser);
    const mayRead = caller.extensionNumber === null || caller.agent || caller.extensionNumber === callingUser;
    if (!record || !mayRead)
      throw new DomainError(DomainErrorCode.NotFound, `no call from ${callingUser} to ${calledUser}`);
    return statusLinesOf(record);
  }

  /** Whether the REFER of a REFER-mode call went out, for the GET to say so. */
  referSentTo(caller: SipxCaller, callingUser: string, calledUser: string): string | null {
    return this.records.get(caller.accountSid, callingUser, calledUser)?.referSentTo ?? null;
  }

  private async invite(
    account: AccountEntity,
    record: SipxCallRecord,
    params: SipxCallParams,
  ): Promise<void> {
    const { caller, callee } = await this.parties.callOutParties(account, {
      caller: record.callingUser,
      callee: record.calledUser,
    });
    const started = await this.callOuts.start({
      accountSid: account.sid,
      caller,
      callee,
      subject: params.subject,
      followCallerRedirects: params.isForwardingAllowed,
      traceSetupResponses: true,
      ringSeconds: params.timeoutSeconds,
      calleeRingSeconds: CALLED_RING_SECONDS,
      onLegsPlaced: (callSids) => this.follow(record, callSids),
    });
    record.callOutId = started.id;
  }

  private async refer(account: AccountEntity, record: SipxCallRecord, params: SipxCallParams): Promise<void> {
    const calling = await this.parties.resolve(account, record.callingUser, 'callingUser');
    const called = await this.parties.resolve(account, record.calledUser, 'calledUser');
    const ringing = await ringAll(
      this.placer,
      this.hangup,
      {
        forCallSid: null,
        accountSid: account.sid,
        to: calling.number,
        callerId: called.number,
        callerName: called.extension?.extension.displayName,
        subject: params.subject,
        timeoutSeconds: params.timeoutSeconds,
        followRedirects: params.isForwardingAllowed,
        traceSetupResponses: true,
      },
      calling.targets,
    );
    this.follow(
      record,
      ringing.members.map((member) => member.callSid),
    );
    void ringing.answered
      .then(async (answered) => {
        if (!answered || answered.ended.aborted) return;
        await this.control.forward(answered.callSid, this.referTarget(account, called));
        record.referSentTo = called.number;
        const release = setTimeout(
          () => void this.hangup.hangUp(answered.callSid).catch(() => undefined),
          RELEASE_AFTER_REFER_MS,
        );
        answered.ended.addEventListener('abort', () => clearTimeout(release), { once: true });
      })
      .catch((error: unknown) =>
        this.logger.warn(`REFER of ${record.callingUser} to ${record.calledUser}: ${String(error)}`),
      );
  }

  /**
   * INVITE mode's transfer: the called user's side of the call between the two is handed to `target`
   * and the calling user drops out once the target answers (a blind transfer by the calling user).
   */
  private async transfer(account: AccountEntity, callingUser: string, calledUser: string, target: string) {
    const record = this.records.get(account.sid, callingUser, calledUser);
    if (!record || record.sipMethod !== 'INVITE' || !record.callOutId)
      throw invalid(`no call placed with sipMethod=INVITE from ${callingUser} to ${calledUser}`);
    const conversation = this.conversations.find(record.callOutId);
    const parties = conversation?.partyList().filter((party) => party.status === 'connected') ?? [];
    const legOf = (user: string) =>
      record.legs.find((leg) => leg.snapshot.to === user && parties.some((p) => p.callSid === leg.sid));
    const calling = legOf(callingUser);
    const called = legOf(calledUser);
    if (!calling || !called)
      throw new DomainError(
        DomainErrorCode.InvalidPartyState,
        `the call from ${callingUser} to ${calledUser} is not established`,
      );
    const recipient = await this.parties.resolve(account, target, 'target');
    await this.control.blindTransfer(calling.sid, called.sid, {
      target: recipient.transferTarget,
      to: recipient.number,
      callerId: calledUser,
    });
  }

  /**
   * An extension is referred to by its address of record: the phone's new INVITE goes through its
   * outbound proxy (the platform), which routes it as any call between extensions. A contact URI would
   * reach the platform too, naming nobody it knows.
   */
  private referTarget(account: AccountEntity, called: ResolvedNumber): DialTarget {
    if (!called.extension) return called.transferTarget;
    return { kind: 'sip', uri: `sip:${called.number}@${accountSipDomain(account)}` };
  }

  private follow(record: SipxCallRecord, callSids: string[]): void {
    for (const callSid of callSids) {
      const leg: CallLeg | undefined = this.directory.find(callSid);
      if (leg) record.legs.push(leg);
    }
  }

  private async account(caller: SipxCaller): Promise<AccountEntity> {
    const account = await this.accounts.findBySid(caller.accountSid);
    if (!account)
      throw new DomainError(DomainErrorCode.AuthenticationRequired, 'the account no longer exists');
    return account;
  }
}
