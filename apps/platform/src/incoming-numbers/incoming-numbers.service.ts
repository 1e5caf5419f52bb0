import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { RESTCOMM_API_VERSION } from '../common/api-version';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { insertionOrder, type Page } from '../common/paging';
import { newSid, sidPattern } from '../common/sid';
import type { CreateIncomingNumberDto } from './dto/create-incoming-number.dto';
import type { UpdateIncomingNumberDto } from './dto/update-incoming-number.dto';
import { IncomingNumberEntity } from './incoming-number.entity';
import { ApplicationsService } from '../applications/applications.service';

export interface IncomingNumberFilter {
  phoneNumber?: string;
  friendlyName?: string;
}

/** '' (sent to clear a URL) and an absent parameter both store as null. */
const orNull = (value: string | undefined) => (value ? value : null);

@Injectable()
export class IncomingNumbersService {
  constructor(
    @InjectRepository(IncomingNumberEntity) private readonly numbers: Repository<IncomingNumberEntity>,
    private readonly applications: ApplicationsService,
  ) {}

  /** A VoiceApplicationSid must name an Application of the same account ('' clears it). */
  private async applicationSid(account: AccountEntity, sid: string | undefined): Promise<string | null> {
    if (!sid) return null;
    if (!(await this.applications.find(account.sid, sid)))
      throw new DomainError(
        DomainErrorCode.InvalidParameter,
        `The 'VoiceApplicationSid' parameter names no Application of this account: ${sid}`,
      );
    return sid;
  }

  async create(account: AccountEntity, request: CreateIncomingNumberDto): Promise<IncomingNumberEntity> {
    await this.ensureAvailable(request.PhoneNumber);
    const voiceApplicationSid = await this.applicationSid(account, request.VoiceApplicationSid);
    const number = this.numbers.create({
      sid: newSid('PN'),
      accountSid: account.sid,
      phoneNumber: request.PhoneNumber,
      friendlyName: request.FriendlyName || request.PhoneNumber,
      voiceUrl: orNull(request.VoiceUrl),
      voiceMethod: request.VoiceMethod,
      voiceFallbackUrl: orNull(request.VoiceFallbackUrl),
      voiceFallbackMethod: request.VoiceFallbackMethod,
      statusCallback: orNull(request.StatusCallback),
      statusCallbackMethod: request.StatusCallbackMethod,
      statusCallbackEvent: request.StatusCallbackEvent?.join(' ') ?? null,
      voiceApplicationSid,
      apiVersion: RESTCOMM_API_VERSION,
      // Millisecond precision keeps "newest first" meaningful.
      dateCreated: new Date(),
    });
    try {
      return await this.numbers.save(number);
    } catch (error) {
      // Two creations racing past ensureAvailable: the unique index decides.
      if (isUniqueViolation(error)) throw notAvailable(request.PhoneNumber);
      throw error;
    }
  }

  async get(account: AccountEntity, sid: string): Promise<IncomingNumberEntity> {
    const number = sidPattern('PN').test(sid)
      ? await this.numbers.findOneBy({ sid, accountSid: account.sid })
      : null;
    if (!number)
      throw new DomainError(
        DomainErrorCode.NotFound,
        `The requested resource IncomingPhoneNumber ${sid} was not found`,
      );
    return number;
  }

  async list(
    account: AccountEntity,
    page: number,
    pageSize: number,
    filter: IncomingNumberFilter = {},
  ): Promise<Page<IncomingNumberEntity>> {
    const query = this.numbers
      .createQueryBuilder('number')
      .where('number.accountSid = :accountSid', { accountSid: account.sid });
    if (filter.phoneNumber !== undefined)
      query.andWhere('number.phoneNumber = :phoneNumber', { phoneNumber: filter.phoneNumber });
    if (filter.friendlyName !== undefined)
      query.andWhere('number.friendlyName = :friendlyName', { friendlyName: filter.friendlyName });
    const [items, total] = await query
      .orderBy('number.dateCreated', 'DESC')
      .addOrderBy(insertionOrder(this.numbers, 'number'), 'DESC')
      .offset(page * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  async update(
    account: AccountEntity,
    sid: string,
    changes: UpdateIncomingNumberDto,
  ): Promise<IncomingNumberEntity> {
    const number = await this.get(account, sid);
    if (changes.FriendlyName !== undefined) number.friendlyName = changes.FriendlyName || number.phoneNumber;
    if (changes.VoiceUrl !== undefined) number.voiceUrl = orNull(changes.VoiceUrl);
    if (changes.VoiceMethod !== undefined) number.voiceMethod = changes.VoiceMethod;
    if (changes.VoiceFallbackUrl !== undefined) number.voiceFallbackUrl = orNull(changes.VoiceFallbackUrl);
    if (changes.VoiceFallbackMethod !== undefined) number.voiceFallbackMethod = changes.VoiceFallbackMethod;
    if (changes.StatusCallback !== undefined) number.statusCallback = orNull(changes.StatusCallback);
    if (changes.StatusCallbackEvent !== undefined)
      number.statusCallbackEvent = changes.StatusCallbackEvent.join(' ');
    if (changes.StatusCallbackMethod !== undefined)
      number.statusCallbackMethod = changes.StatusCallbackMethod;
    if (changes.VoiceApplicationSid !== undefined)
      number.voiceApplicationSid = await this.applicationSid(account, changes.VoiceApplicationSid);
    number.dateUpdated = new Date();
    return this.numbers.save(number);
  }

  async remove(account: AccountEntity, sid: string): Promise<void> {
    const number = await this.get(account, sid);
    await this.numbers.delete({ sid: number.sid });
  }

  /**
   * Platform-wide lookup by the exact number a caller dialed (numbers are unique across accounts),
   * for routing inbound calls. No normalisation: `+15551234567` and `15551234567` are different numbers.
   */
  async findByNumber(phoneNumber: string): Promise<IncomingNumberEntity | null> {
    return this.numbers.findOneBy({ phoneNumber });
  }

  private async ensureAvailable(phoneNumber: string): Promise<void> {
    if (await this.numbers.existsBy({ phoneNumber })) throw notAvailable(phoneNumber);
  }
}

function notAvailable(phoneNumber: string): DomainError {
  // The same answer whoever holds it (this account, another tenant, a race): no existence oracle.
  return new DomainError(
    DomainErrorCode.PhoneNumberNotAvailable,
    `The phone number ${phoneNumber} is not available`,
  );
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; message?: string } | undefined;
  return (
    driverError?.code === '23505' || // PostgreSQL unique_violation
    /UNIQUE constraint failed/i.test(driverError?.message ?? error.message)
  );
}
