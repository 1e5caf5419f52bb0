import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountEntity } from '../../accounts/account.entity';
import { CallEntity } from '../../call-control/legs/call.entity';

const MAX_MATCHES = 50;

/** The call log's search box: an exact CallSid, else an exact SIP Call-ID (idx_calls_sip_call_id). */
@Injectable()
export class CallSearchService {
  constructor(@InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>) {}

  async find(account: AccountEntity, q: string): Promise<CallEntity[]> {
    if (/^CA[0-9a-f]{32}$/.test(q)) {
      const call = await this.calls.findOneBy({ sid: q, accountSid: account.sid });
      if (call) return [call];
    }
    return this.calls.find({
      where: { sipCallId: q, accountSid: account.sid },
      order: { dateCreated: 'DESC' },
      take: MAX_MATCHES,
    });
  }
}
