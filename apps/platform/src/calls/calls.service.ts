import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { AccountStatus } from '../accounts/account-status';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { sidPattern } from '../common/sid';
import { CallRecords } from '../call-control/legs/call-records';
import { LiveCallsService } from './live-calls.service';
import type { CallListQuery } from './call-list-query';
import { CallListingService, type CallListResult } from './call-listing.service';
import { CallEntity } from '../call-control/legs/call.entity';
import { CallDirection } from '../call-control/legs/call-status';
import type { ModifyCallDto } from './dto/modify-call.dto';
import { isTerminal } from '../call-control/legs/call-state-machine';
import { callOptionsColumn } from '../call-control/legs/call-options';
import type { OutboundCallRequest } from './outbound-call-request';

@Injectable()
export class CallsService {
  constructor(
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    private readonly control: LiveCallsService,
    private readonly records: CallRecords,
  ) {}

  /**
   * The call is stored `queued` and dialed when the account's pace (cps) and concurrency allow;
   * past `max_queued_calls` waiting calls the request is refused (429/20429) before anything is stored.
   */
  async create(account: AccountEntity, request: OutboundCallRequest): Promise<CallEntity> {
    // Reached with a main account's credentials on its suspended subaccount's path.
    if (account.status !== AccountStatus.Active)
      throw new DomainError(
        DomainErrorCode.Forbidden,
        `Account ${account.sid} is ${account.status}; it cannot place calls`,
      );
    const reservation = await this.control.reserveOutbound(account.sid);
    const call = await this.store(account, request).catch((error) => {
      reservation.release();
      throw error;
    });
    const snapshot = { ...call };
    this.control.queueOutbound(reservation, call, account.authToken, request.dialing);
    return snapshot as CallEntity;
  }

  private store(account: AccountEntity, request: OutboundCallRequest): Promise<CallEntity> {
    return this.records.create({
      accountSid: account.sid,
      to: request.to,
      from: request.from,
      direction: CallDirection.OutboundApi,
      apiVersion: request.apiVersion,
      url: request.url,
      method: request.method,
      fallbackUrl: request.fallbackUrl,
      fallbackMethod: request.fallbackMethod,
      twiml: request.twiml,
      statusCallback: request.statusCallback,
      statusCallbackMethod: request.statusCallbackMethod,
      statusCallbackEvent: request.statusCallbackEvent?.join(' ') ?? null,
      timeout: request.timeout,
      machineDetection: request.machineDetection,
      callOptions: callOptionsColumn(request.options),
      queuedBy: this.control.nodeId,
    });
  }

  async get(account: AccountEntity, callSid: string): Promise<CallEntity> {
    const call = sidPattern('CA').test(callSid)
      ? await this.calls.findOneBy({ sid: callSid, accountSid: account.sid })
      : null;
    if (!call)
      throw new DomainError(DomainErrorCode.NotFound, `The requested resource Call ${callSid} was not found`);
    return call;
  }

  /** `GET /Calls`: filters, keyset or offset paging and an exact total (see CallListingService). */
  list(account: AccountEntity, query: CallListQuery): Promise<CallListResult> {
    return new CallListingService(this.calls).list(account.sid, query);
  }

  /** Live modification; a call that is no longer live cannot be changed (Twilio's 21220). */
  async modify(
    account: AccountEntity,
    callSid: string,
    request: ModifyCallDto & { Twiml?: string; TimeLimit?: number },
  ): Promise<CallEntity> {
    const call = await this.get(account, callSid);
    const queued = this.control.isQueued(call.sid);
    if (!queued && (!this.control.liveSession(call.sid) || isTerminal(call.status))) {
      throw new DomainError(
        DomainErrorCode.CallNotInProgress,
        `Call ${callSid} is not in progress; it cannot be modified`,
      );
    }
    if (
      !request.Url &&
      !request.Twiml &&
      !request.Status &&
      !request.StatusCallback &&
      request.TimeLimit === undefined
    ) {
      const twilio = 'Twiml' in request || 'TimeLimit' in request;
      throw new DomainError(
        DomainErrorCode.InvalidParameter,
        `Give at least one of Url, ${twilio ? 'Twiml, TimeLimit, ' : ''}Status or StatusCallback`,
      );
    }
    const change = {
      url: request.Url,
      method: request.Method,
      fallbackUrl: request.FallbackUrl,
      fallbackMethod: request.FallbackMethod,
      statusCallback: request.StatusCallback,
      statusCallbackMethod: request.StatusCallbackMethod,
      status: request.Status,
      moveConnectedCallLeg: request.MoveConnectedCallLeg,
      twiml: request.Url ? undefined : request.Twiml,
      timeLimitSeconds: request.TimeLimit,
    };
    if (queued && (await this.control.modifyQueued(call.sid, change))) return this.get(account, callSid);
    // Not waiting (any more): a queued call may have been dialed since the checks above.
    const session = this.control.liveSession(call.sid);
    if (!session) {
      throw new DomainError(
        DomainErrorCode.CallNotInProgress,
        `Call ${callSid} is not in progress; it cannot be modified`,
      );
    }
    await session.modification.apply(change);
    return this.get(account, callSid);
  }

  /**
   * Deletes a finished call's record (Twilio's DELETE). A live call cannot be deleted (21220). Its
   * notifications and recordings are kept: they stay listable under the account.
   */
  async remove(account: AccountEntity, callSid: string): Promise<void> {
    const call = await this.get(account, callSid);
    if (!isTerminal(call.status) || this.control.liveSession(call.sid)) {
      throw new DomainError(
        DomainErrorCode.CallNotInProgress,
        `Call ${callSid} is still live (${call.status}); only a finished call's record can be deleted`,
      );
    }
    await this.calls.delete({ sid: call.sid, accountSid: account.sid });
  }
}
