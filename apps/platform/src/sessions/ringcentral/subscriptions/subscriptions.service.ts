import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { MoreThan, Repository } from 'typeorm';
import type { TokenHolder } from '../../../accounts/access-tokens.service';
import { AccountUrlPolicy } from '../../../common/account-url-policy';
import { DomainError, DomainErrorCode } from '../../../common/domain-error';
import { AppConfig } from '../../../config/app-config';
import { ExtensionsService } from '../../../extensions/extensions.service';
import type {
  CreateSubscriptionDto,
  DeliveryModeDto,
  UpdateSubscriptionDto,
} from './dto/subscription-request.dto';
import { SubscriptionInfo, subscriptionInfo, SubscriptionList } from './dto/subscription-info';
import { FilterSyntaxError, parseFilter, resolvedFilter } from './event-filter';
import { SubscriptionDelivery } from './subscription-delivery.service';
import { SubscriptionErrors } from './subscription-errors';
import { SubscriptionHandshake } from './subscription-handshake';
import { SubscriptionEntity } from './subscription.entity';

/** RingCentral's lifetime of a WebHook subscription when none is asked for: a week. */
export const DEFAULT_EXPIRES_IN = 604_800;
/** RingCentral's longest WebHook lifetime (10 years); longer requests get this much. */
export const MAX_EXPIRES_IN = 315_360_000;
/** Subscriptions one owner may have at once (RingCentral answers SUB-505 beyond its limit). */
export const MAX_SUBSCRIPTIONS_PER_OWNER = 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whom a request acts for: an account, or one extension of it (whose sid `~` then means). */
interface Owner {
  accountSid: string;
  extensionSid: string | null;
  /** The extension's sid for an extension token, the account's otherwise: `ownerId` in notifications. */
  ownerId: string;
}

/**
 * RingCentral's Subscription API for WebHook subscriptions to telephony session events. A token sees
 * and manages only the subscriptions it (its account, or its extension) created.
 */
@Injectable()
export class SubscriptionsService {
  private readonly baseUri: string;

  constructor(
    @InjectRepository(SubscriptionEntity) private readonly subscriptions: Repository<SubscriptionEntity>,
    private readonly extensions: ExtensionsService,
    private readonly urlPolicy: AccountUrlPolicy,
    private readonly handshake: SubscriptionHandshake,
    private readonly delivery: SubscriptionDelivery,
    config: AppConfig,
  ) {
    this.baseUri = `${config.publicUrl.replace(/\/+$/, '')}/restapi/v1.0/subscription`;
  }

  async create(holder: TokenHolder, request: CreateSubscriptionDto): Promise<SubscriptionInfo> {
    const owner = await this.owner(holder);
    const eventFilters = await this.resolveFilters(owner, request.eventFilters);
    const address = this.address(request.deliveryMode);
    const verificationToken = tokenOf(request.deliveryMode);
    const now = new Date();
    const existing = await this.subscriptions.countBy({
      accountSid: owner.accountSid,
      ownerId: owner.ownerId,
      expirationTime: MoreThan(now),
    });
    if (existing >= MAX_SUBSCRIPTIONS_PER_OWNER) throw SubscriptionErrors.limitExceeded();
    await this.handshake.verify(address);
    const expiresIn = lifetime(request.expiresIn);
    const entity = this.subscriptions.create({
      id: randomUUID(),
      accountSid: owner.accountSid,
      ownerId: owner.ownerId,
      eventFilters,
      address,
      verificationToken,
      expiresIn,
      creationTime: now,
      expirationTime: new Date(now.getTime() + expiresIn * 1000),
      status: 'Active',
      suspendedReason: null,
      suspendedAt: null,
    });
    await this.subscriptions.insert(entity);
    return this.info(entity);
  }

  async list(holder: TokenHolder): Promise<SubscriptionList> {
    const owner = await this.owner(holder);
    const rows = await this.subscriptions.find({
      where: { accountSid: owner.accountSid, ownerId: owner.ownerId, expirationTime: MoreThan(new Date()) },
      order: { creationTime: 'ASC', id: 'ASC' },
    });
    return { uri: this.baseUri, records: rows.map((row) => this.info(row)) };
  }

  async get(holder: TokenHolder, id: string): Promise<SubscriptionInfo> {
    return this.info(await this.find(await this.owner(holder), id));
  }

  /**
   * Renews (from now, for its `expiresIn`) and reactivates a subscription, with whatever the request
   * changes. A suspended subscription, or a new address, is validated again first. A `deliveryMode`
   * without a token keeps the token the subscription had.
   */
  async update(holder: TokenHolder, id: string, request: UpdateSubscriptionDto): Promise<SubscriptionInfo> {
    const owner = await this.owner(holder);
    const entity = await this.find(owner, id);
    if (request.eventFilters) entity.eventFilters = await this.resolveFilters(owner, request.eventFilters);
    let validate = entity.status === 'Suspended';
    if (request.deliveryMode) {
      const address = this.address(request.deliveryMode);
      validate ||= address !== entity.address;
      entity.address = address;
      entity.verificationToken = tokenOf(request.deliveryMode) ?? entity.verificationToken;
    }
    if (request.expiresIn !== undefined) entity.expiresIn = lifetime(request.expiresIn);
    if (validate) await this.handshake.verify(entity.address);
    entity.expirationTime = new Date(Date.now() + entity.expiresIn * 1000);
    entity.status = 'Active';
    entity.suspendedReason = null;
    entity.suspendedAt = null;
    await this.subscriptions.save(entity);
    return this.info(entity);
  }

  async renew(holder: TokenHolder, id: string): Promise<SubscriptionInfo> {
    return this.update(holder, id, {});
  }

  async remove(holder: TokenHolder, id: string): Promise<void> {
    const entity = await this.find(await this.owner(holder), id);
    await this.subscriptions.delete({ id: entity.id });
    this.delivery.lanes.forget(entity.id);
  }

  private info(entity: SubscriptionEntity): SubscriptionInfo {
    return subscriptionInfo(entity, this.baseUri);
  }

  private async owner(holder: TokenHolder): Promise<Owner> {
    if (holder.extensionNumber === null)
      return { accountSid: holder.accountSid, extensionSid: null, ownerId: holder.accountSid };
    const found = await this.extensions.findInAccount(holder.accountSid, holder.extensionNumber);
    if (!found)
      throw new DomainError(
        DomainErrorCode.AuthenticationRequired,
        `The token's extension ${holder.extensionNumber} no longer exists or is disabled`,
      );
    return { accountSid: holder.accountSid, extensionSid: found.extension.sid, ownerId: found.extension.sid };
  }

  /** A subscription of this owner that has not expired (an expired one is gone, as in RingCentral). */
  private async find(owner: Owner, id: string): Promise<SubscriptionEntity> {
    const entity = UUID.test(id)
      ? await this.subscriptions.findOneBy({ id, accountSid: owner.accountSid, ownerId: owner.ownerId })
      : null;
    if (!entity) throw SubscriptionErrors.notFound();
    if (entity.expirationTime <= new Date()) {
      await this.subscriptions.delete({ id: entity.id });
      throw SubscriptionErrors.notFound();
    }
    return entity;
  }

  /** The filters with `~` resolved, each one allowed for the owner; duplicates once. */
  private async resolveFilters(owner: Owner, filters: string[]): Promise<string[]> {
    const resolved: string[] = [];
    for (const filter of filters) {
      let written;
      try {
        written = parseFilter(filter);
      } catch (error) {
        if (!(error instanceof FilterSyntaxError)) throw error;
        throw SubscriptionErrors.invalidParameter(
          'eventFilters',
          `Parameter [eventFilters] value is invalid: ${error.message}`,
        );
      }
      const accountSid = written.accountRef === '~' ? owner.accountSid : written.accountRef;
      if (accountSid !== owner.accountSid) throw SubscriptionErrors.otherAccount();
      const extensionSid = await this.extensionOf(owner, written.extensionRef);
      const { path } = resolvedFilter(written, accountSid, extensionSid);
      if (!resolved.includes(path)) resolved.push(path);
    }
    return resolved;
  }

  private async extensionOf(owner: Owner, extensionRef: string | null): Promise<string | null> {
    if (extensionRef === null) {
      if (owner.extensionSid) throw SubscriptionErrors.notPermitted("the whole account's telephony sessions");
      return null;
    }
    if (extensionRef === '~') {
      if (!owner.extensionSid) throw SubscriptionErrors.extensionLoginRequired();
      return owner.extensionSid;
    }
    if (owner.extensionSid && extensionRef !== owner.extensionSid)
      throw SubscriptionErrors.notPermitted("another extension's telephony sessions");
    const extension = await this.extensions.findBySid(owner.accountSid, extensionRef);
    if (!extension) throw SubscriptionErrors.unknownUser();
    return extension.sid;
  }

  /** The address, unless the platform's policy refuses it outright (connect-time checks stay on). */
  private address(mode: DeliveryModeDto): string {
    const refusal = this.urlPolicy.plainRefusal(mode.address);
    if (refusal)
      throw SubscriptionErrors.invalidParameter(
        'deliveryMode.address',
        `Parameter [deliveryMode.address] value is invalid: ${refusal}`,
      );
    return mode.address;
  }
}

/** Either name of the token; both, when given, must agree. */
function tokenOf(mode: DeliveryModeDto): string | null {
  const { verificationToken, validationToken } = mode;
  if (verificationToken && validationToken && verificationToken !== validationToken)
    throw SubscriptionErrors.invalidParameter(
      'deliveryMode.verificationToken',
      'Parameter [deliveryMode.verificationToken] value is invalid: it differs from validationToken',
    );
  return verificationToken ?? validationToken ?? null;
}

function lifetime(expiresIn: number | undefined): number {
  return Math.min(expiresIn ?? DEFAULT_EXPIRES_IN, MAX_EXPIRES_IN);
}
