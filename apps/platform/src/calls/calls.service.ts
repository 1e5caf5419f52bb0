import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { newSid, sidPattern } from '../common/sid';
import { CallControlService } from './call-control.service';
import { CallEntity } from './call.entity';
import { CallDirection, CallStatus } from './call-status';
import { RESTCOMM_API_VERSION } from './dto/call-response.dto';
import type { CreateCallDto } from './dto/create-call.dto';

export interface CallPage {
  calls: CallEntity[];
  total: number;
}

@Injectable()
export class CallsService {
  constructor(
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    private readonly control: CallControlService,
  ) {}

  async create(account: AccountEntity, request: CreateCallDto): Promise<CallEntity> {
    const call = await this.calls.save(
      this.calls.create({
        sid: newSid('CA'),
        accountSid: account.sid,
        parentCallSid: null,
        to: request.To,
        from: request.From,
        status: CallStatus.Queued,
        direction: CallDirection.OutboundApi,
        apiVersion: RESTCOMM_API_VERSION,
        url: request.Url,
        method: request.Method,
        fallbackUrl: request.FallbackUrl ?? null,
        fallbackMethod: request.FallbackMethod,
        statusCallback: request.StatusCallback ?? null,
        statusCallbackMethod: request.StatusCallbackMethod,
        timeout: request.Timeout,
        // Millisecond precision keeps "newest first" meaningful; the column default has whole seconds.
        dateCreated: new Date(),
      }),
    );
    const snapshot = { ...call };
    this.control.placeCall(call, account.authToken);
    return snapshot as CallEntity;
  }

  async get(account: AccountEntity, callSid: string): Promise<CallEntity> {
    const call = sidPattern('CA').test(callSid)
      ? await this.calls.findOneBy({ sid: callSid, accountSid: account.sid })
      : null;
    if (!call)
      throw new DomainError(DomainErrorCode.NotFound, `The requested resource Call ${callSid} was not found`);
    return call;
  }

  async list(
    account: AccountEntity,
    page: number,
    pageSize: number,
    filters: { parentCallSid?: string } = {},
  ): Promise<CallPage> {
    const [calls, total] = await this.calls.findAndCount({
      where: {
        accountSid: account.sid,
        ...(filters.parentCallSid ? { parentCallSid: filters.parentCallSid } : {}),
      },
      order: { dateCreated: 'DESC', sid: 'DESC' },
      skip: page * pageSize,
      take: pageSize,
    });
    return { calls, total };
  }
}
