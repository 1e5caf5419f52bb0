import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { TWILIO_API_VERSION } from '../common/api-version';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { insertionOrder, type Page } from '../common/paging';
import { newSid, sidPattern } from '../common/sid';
import { ApplicationEntity } from './application.entity';
import type { ApplicationParamsDto } from './dto/application-params.dto';

/** '' (sent to clear a URL) and an absent parameter both store as null. */
const orNull = (value: string | undefined) => (value ? value : null);
const URL_FIELDS = [
  ['VoiceUrl', 'voiceUrl'],
  ['VoiceFallbackUrl', 'voiceFallbackUrl'],
  ['StatusCallback', 'statusCallback'],
  ['SmsUrl', 'smsUrl'],
  ['SmsFallbackUrl', 'smsFallbackUrl'],
  ['SmsStatusCallback', 'smsStatusCallback'],
  ['MessageStatusCallback', 'messageStatusCallback'],
] as const;
const VALUE_FIELDS = [
  ['VoiceMethod', 'voiceMethod'],
  ['VoiceFallbackMethod', 'voiceFallbackMethod'],
  ['StatusCallbackMethod', 'statusCallbackMethod'],
  ['SmsMethod', 'smsMethod'],
  ['SmsFallbackMethod', 'smsFallbackMethod'],
  ['VoiceCallerIdLookup', 'voiceCallerIdLookup'],
  ['PublicApplicationConnectEnabled', 'publicApplicationConnectEnabled'],
  ['ApiVersion', 'apiVersion'],
] as const;

/** Twilio's Applications resource of an account. */
@Injectable()
export class ApplicationsService {
  constructor(
    @InjectRepository(ApplicationEntity) private readonly applications: Repository<ApplicationEntity>,
  ) {}

  async create(account: AccountEntity, params: ApplicationParamsDto): Promise<ApplicationEntity> {
    const application = this.applications.create({
      sid: newSid('AP'),
      accountSid: account.sid,
      friendlyName: params.FriendlyName ?? '',
      apiVersion: TWILIO_API_VERSION,
      // Millisecond precision keeps "newest first" meaningful.
      dateCreated: new Date(),
    });
    this.apply(application, params);
    return this.applications.save(application);
  }

  async get(account: AccountEntity, sid: string): Promise<ApplicationEntity> {
    const application = await this.find(account.sid, sid);
    if (!application)
      throw new DomainError(
        DomainErrorCode.NotFound,
        `The requested resource Application ${sid} was not found`,
      );
    return application;
  }

  /** The account's application, or null (also for a malformed sid). */
  async find(accountSid: string, sid: string): Promise<ApplicationEntity | null> {
    return sidPattern('AP').test(sid) ? this.applications.findOneBy({ sid, accountSid }) : null;
  }

  async list(
    account: AccountEntity,
    page: number,
    pageSize: number,
    friendlyName?: string,
  ): Promise<Page<ApplicationEntity>> {
    const query = this.applications
      .createQueryBuilder('application')
      .where('application.accountSid = :accountSid', { accountSid: account.sid });
    if (friendlyName !== undefined)
      query.andWhere('application.friendlyName = :friendlyName', { friendlyName });
    const [items, total] = await query
      .orderBy('application.dateCreated', 'DESC')
      .addOrderBy(insertionOrder(this.applications, 'application'), 'DESC')
      .offset(page * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  async update(
    account: AccountEntity,
    sid: string,
    params: ApplicationParamsDto,
  ): Promise<ApplicationEntity> {
    const application = await this.get(account, sid);
    this.apply(application, params);
    application.dateUpdated = new Date();
    return this.applications.save(application);
  }

  /** Numbers that pointed at it fall back to their own VoiceUrl. */
  async remove(account: AccountEntity, sid: string): Promise<void> {
    const application = await this.get(account, sid);
    await this.applications.delete({ sid: application.sid });
  }

  private apply(application: ApplicationEntity, params: ApplicationParamsDto): void {
    if (params.FriendlyName !== undefined) application.friendlyName = params.FriendlyName;
    for (const [param, field] of URL_FIELDS)
      if (params[param] !== undefined) application[field] = orNull(params[param]);
    for (const [param, field] of VALUE_FIELDS)
      if (params[param] !== undefined)
        (application as unknown as Record<string, unknown>)[field] = params[param];
  }
}
