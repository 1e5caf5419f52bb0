import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountEntity } from '../../accounts/account.entity';
import { ApplicationEntity } from '../../applications/application.entity';
import { ExtensionsService } from '../../extensions/extensions.service';
import { IncomingNumberEntity } from '../../incoming-numbers/incoming-number.entity';
import { SubscriptionEntity } from '../../sessions/ringcentral/subscriptions/subscription.entity';
import { redactedUrl } from '../../webhooks/webhook-observers';

const MAX_ROWS = 1000;
const url = (value: string | null) => (value ? redactedUrl(value) : null);
const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

export interface ConsoleExtensionDto {
  sid: string;
  extensionNumber: string;
  displayName: string;
  enabled: boolean;
  sipUri: string;
  /** null: Asterisk could not be asked (state unknown). */
  registered: boolean | null;
  registrations: Array<{ contact: string; userAgent: string | null; expiresAt: string | null }> | null;
}

export interface ConsoleNumberDto {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: string;
  voiceApplicationSid: string | null;
  statusCallback: string | null;
}

export interface ConsoleApplicationDto {
  sid: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: string;
  statusCallback: string | null;
}

export interface ConsoleSubscriptionDto {
  id: string;
  status: string;
  eventFilters: string[];
  address: string;
  expirationTime: string | null;
  creationTime: string | null;
  /** Delivery health as the subscription records it: Suspended after its deliveries kept failing. */
  delivery: { healthy: boolean; suspendedReason: string | null; suspendedAt: string | null };
}

/**
 * The account's resources as the console lists them, through the resources' own services and tables.
 * URLs are shown with credentials masked; passwords, PINs and verification tokens are never included.
 */
@Injectable()
export class ConsoleResourcesService {
  constructor(
    private readonly extensions: ExtensionsService,
    @InjectRepository(IncomingNumberEntity) private readonly numbers: Repository<IncomingNumberEntity>,
    @InjectRepository(ApplicationEntity) private readonly applications: Repository<ApplicationEntity>,
    @InjectRepository(SubscriptionEntity) private readonly subscriptions: Repository<SubscriptionEntity>,
  ) {}

  async extensionList(account: AccountEntity): Promise<ConsoleExtensionDto[]> {
    const { items } = await this.extensions.list(account, 0, MAX_ROWS);
    return items.map(({ extension, domain, registrations }) => ({
      sid: extension.sid,
      extensionNumber: extension.extensionNumber,
      displayName: extension.displayName,
      enabled: extension.enabled,
      sipUri: `sip:${extension.extensionNumber}@${domain}`,
      registered: registrations === null ? null : registrations.length > 0,
      registrations:
        registrations?.map((registration) => ({
          contact: registration.contact,
          userAgent: registration.userAgent,
          expiresAt: iso(registration.expiresAt),
        })) ?? null,
    }));
  }

  async numberList(account: AccountEntity): Promise<ConsoleNumberDto[]> {
    const rows = await this.numbers.find({
      where: { accountSid: account.sid },
      order: { phoneNumber: 'ASC' },
      take: MAX_ROWS,
    });
    return rows.map((row) => ({
      sid: row.sid,
      phoneNumber: row.phoneNumber,
      friendlyName: row.friendlyName,
      voiceUrl: url(row.voiceUrl),
      voiceMethod: row.voiceMethod,
      voiceApplicationSid: row.voiceApplicationSid,
      statusCallback: url(row.statusCallback),
    }));
  }

  async applicationList(account: AccountEntity): Promise<ConsoleApplicationDto[]> {
    const rows = await this.applications.find({
      where: { accountSid: account.sid },
      order: { friendlyName: 'ASC' },
      take: MAX_ROWS,
    });
    return rows.map((row) => ({
      sid: row.sid,
      friendlyName: row.friendlyName,
      voiceUrl: url(row.voiceUrl),
      voiceMethod: row.voiceMethod,
      statusCallback: url(row.statusCallback),
    }));
  }

  async subscriptionList(account: AccountEntity): Promise<ConsoleSubscriptionDto[]> {
    const rows = await this.subscriptions.find({
      where: { accountSid: account.sid },
      order: { creationTime: 'DESC' },
      take: MAX_ROWS,
    });
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      eventFilters: row.eventFilters,
      address: redactedUrl(row.address),
      expirationTime: iso(row.expirationTime),
      creationTime: iso(row.creationTime),
      delivery: {
        healthy: row.status === 'Active',
        suspendedReason: row.suspendedReason,
        suspendedAt: iso(row.suspendedAt),
      },
    }));
  }
}
