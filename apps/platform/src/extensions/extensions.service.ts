import { timingSafeEqual } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { AccountLifecycle, type SipDomainChange } from '../accounts/account-lifecycle';
import { AccountsService } from '../accounts/accounts.service';
import { accountSipDomain } from '../accounts/sip-domain';
import { RESTCOMM_API_VERSION } from '../common/api-version';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { insertionOrder, type Page } from '../common/paging';
import { newSid, sidPattern } from '../common/sid';
import { isUniqueViolation } from '../common/unique-violation';
import { digestHa1, SipRegistration, SipUser, SipUserDirectory } from '../telephony/sip-user-directory.port';
import { DialTarget, TelephonyError, TelephonyGateway } from '../telephony/telephony-gateway.port';
import { pinDigestHa1 } from './callcontroller-pin';
import type { CreateExtensionDto } from './dto/create-extension.dto';
import type { ExtensionView } from './dto/extension-response.dto';
import type { UpdateExtensionDto } from './dto/update-extension.dto';
import { ExtensionEntity } from './extension.entity';

/**
 * The Asterisk endpoint (and AOR) of an extension: `<number>@<domain>`. Asterisk identifies a
 * REGISTER or INVITE by `<From user>@<From domain>` before the bare user, and binds a REGISTER to
 * the AOR `<To user>@<To domain>`, so two tenants' 1001 are two endpoints.
 */
export function extensionEndpointId(extensionNumber: string, domain: string): string {
  return `${extensionNumber}@${domain}`;
}

/**
 * Phones one extension may have registered at once (a desk phone, a softphone...); a sixth
 * registration drops the one that expires soonest.
 */
export const EXTENSION_MAX_CONTACTS = 5;

/** An extension with the account it belongs to. */
export interface TenantExtension {
  extension: ExtensionEntity;
  account: AccountEntity;
  endpointId: string;
}

/**
 * Extensions of an account, kept in the database and mirrored into Asterisk as SIP users. Asterisk
 * forgets them when it restarts: every (re)connection of ARI provisions all enabled ones again.
 */
@Injectable()
export class ExtensionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Extensions');

  constructor(
    @InjectRepository(ExtensionEntity) private readonly extensions: Repository<ExtensionEntity>,
    private readonly accounts: AccountsService,
    private readonly lifecycle: AccountLifecycle,
    private readonly directory: SipUserDirectory,
    private readonly gateway: TelephonyGateway,
  ) {}

  onApplicationBootstrap(): void {
    this.gateway.onConnected(() => void this.provisionAll().catch((error) => this.warn('all', error)));
    this.lifecycle.onSipDomainChanged((change) => this.moveDomain(change));
  }

  async provisionAll(): Promise<void> {
    const enabled = await this.extensions.findBy({ enabled: true });
    const domains = new Map<string, string>();
    const users: SipUser[] = [];
    for (const extension of enabled) {
      let domain = domains.get(extension.accountSid);
      if (domain === undefined) {
        const account = await this.accounts.findBySid(extension.accountSid);
        if (!account) continue;
        domain = accountSipDomain(account);
        domains.set(extension.accountSid, domain);
      }
      users.push(toSipUser(extension, domain));
    }
    const failures = await this.directory.syncAll(users);
    for (const { id, error } of failures) this.warn(id, error);
    if (users.length > 0)
      this.logger.log(`Provisioned ${users.length - failures.length} of ${users.length} extensions`);
  }

  async create(account: AccountEntity, request: CreateExtensionDto): Promise<ExtensionView> {
    const extension = this.extensions.create({
      sid: newSid('EX'),
      accountSid: account.sid,
      extensionNumber: request.ExtensionNumber,
      passwordHa1: digestHa1(request.ExtensionNumber, request.Password),
      ...pinHa1s(request.ExtensionNumber, request.Pin),
      callControllerAgent: request.CallControllerAgent,
      displayName: request.DisplayName || request.ExtensionNumber,
      outboundCallerId: request.OutboundCallerId || null,
      enabled: request.Enabled,
      apiVersion: RESTCOMM_API_VERSION,
      dateCreated: new Date(),
    });
    let saved: ExtensionEntity;
    try {
      saved = await this.extensions.save(extension);
    } catch (error) {
      if (isUniqueViolation(error)) throw numberTaken(request.ExtensionNumber);
      throw error;
    }
    await this.mirror(saved, accountSipDomain(account));
    return this.view(saved, account);
  }

  async get(account: AccountEntity, sid: string): Promise<ExtensionView> {
    return this.view(await this.find(account, sid), account);
  }

  async list(
    account: AccountEntity,
    page: number,
    pageSize: number,
    extensionNumber?: string,
  ): Promise<Page<ExtensionView>> {
    const query = this.extensions
      .createQueryBuilder('extension')
      .where('extension.accountSid = :accountSid', { accountSid: account.sid });
    if (extensionNumber !== undefined)
      query.andWhere('extension.extensionNumber = :extensionNumber', { extensionNumber });
    const [items, total] = await query
      .orderBy('extension.dateCreated', 'DESC')
      .addOrderBy(insertionOrder(this.extensions, 'extension'), 'DESC')
      .offset(page * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items: await Promise.all(items.map((item) => this.view(item, account))), total };
  }

  async update(account: AccountEntity, sid: string, changes: UpdateExtensionDto): Promise<ExtensionView> {
    const extension = await this.find(account, sid);
    if (changes.Password !== undefined)
      extension.passwordHa1 = digestHa1(extension.extensionNumber, changes.Password);
    if (changes.Pin !== undefined) Object.assign(extension, pinHa1s(extension.extensionNumber, changes.Pin));
    if (changes.CallControllerAgent !== undefined)
      extension.callControllerAgent = changes.CallControllerAgent;
    if (changes.DisplayName !== undefined)
      extension.displayName = changes.DisplayName || extension.extensionNumber;
    if (changes.OutboundCallerId !== undefined) extension.outboundCallerId = changes.OutboundCallerId || null;
    if (changes.Enabled !== undefined) extension.enabled = changes.Enabled;
    extension.dateUpdated = new Date();
    const saved = await this.extensions.save(extension);
    await this.mirror(saved, accountSipDomain(account));
    return this.view(saved, account);
  }

  async remove(account: AccountEntity, sid: string): Promise<void> {
    const extension = await this.find(account, sid);
    await this.extensions.delete({ sid: extension.sid });
    await this.unprovision(extensionEndpointId(extension.extensionNumber, accountSipDomain(account)));
  }

  /** The enabled extension whose Asterisk endpoint is `endpointId`, with its account; null otherwise. */
  async findByEndpoint(endpointId: string): Promise<TenantExtension | null> {
    const at = endpointId.indexOf('@');
    if (at < 1) return null;
    const account = await this.accounts.findBySipDomain(endpointId.slice(at + 1));
    if (!account) return null;
    const extension = await this.extensions.findOneBy({
      accountSid: account.sid,
      extensionNumber: endpointId.slice(0, at),
      enabled: true,
    });
    return extension ? { extension, account, endpointId } : null;
  }

  /**
   * The enabled extension `extensionNumber` of the tenant whose SIP domain is `domain`, when `password`
   * is its password (as its phone's digest would prove); null otherwise.
   */
  async authenticate(
    domain: string,
    extensionNumber: string,
    password: string,
  ): Promise<TenantExtension | null> {
    const found = await this.findByEndpoint(extensionEndpointId(extensionNumber, domain));
    if (!found) return null;
    const expected = Buffer.from(found.extension.passwordHa1);
    const given = Buffer.from(digestHa1(extensionNumber, password));
    return expected.length === given.length && timingSafeEqual(expected, given) ? found : null;
  }

  /** The account's enabled extension with this number; null otherwise. */
  async findInTenant(account: AccountEntity, extensionNumber: string): Promise<TenantExtension | null> {
    const extension = await this.extensions.findOneBy({
      accountSid: account.sid,
      extensionNumber,
      enabled: true,
    });
    return extension
      ? { extension, account, endpointId: extensionEndpointId(extensionNumber, accountSipDomain(account)) }
      : null;
  }

  /** The enabled extension with this number of the account `accountSid`; null otherwise. */
  async findInAccount(accountSid: string, extensionNumber: string): Promise<TenantExtension | null> {
    const account = await this.accounts.findBySid(accountSid);
    return account ? this.findInTenant(account, extensionNumber) : null;
  }

  /** The extension `sid` of the account `accountSid` (enabled or not); null otherwise. Asks nothing of Asterisk. */
  async findBySid(accountSid: string, sid: string): Promise<ExtensionEntity | null> {
    return sidPattern('EX').test(sid) ? this.extensions.findOneBy({ sid, accountSid }) : null;
  }

  /** Registered contacts of an endpoint; null when Asterisk cannot be asked. */
  async contacts(endpointId: string): Promise<string[] | null> {
    try {
      return await this.directory.contacts(endpointId);
    } catch (error) {
      if (!(error instanceof TelephonyError)) throw error;
      return null;
    }
  }

  /** Registered phones of an endpoint, with user agent and expiry; null when Asterisk cannot be asked. */
  async registrations(endpointId: string): Promise<SipRegistration[] | null> {
    try {
      return await this.directory.registrations(endpointId);
    } catch (error) {
      if (!(error instanceof TelephonyError)) throw error;
      return null;
    }
  }

  dialString(endpointId: string): string {
    return this.directory.dialString(endpointId);
  }

  /**
   * What rings every phone registered as the extension: one dial per contact, since Asterisk's own
   * dial string reaches one contact only. One contact (or none known): the endpoint itself.
   */
  phoneTargets(endpointId: string, contacts: string[]): DialTarget[] {
    if (contacts.length <= 1) return [{ kind: 'sip-user', dialString: this.dialString(endpointId) }];
    return contacts.map((contact) => ({
      kind: 'sip-user',
      dialString: this.directory.contactDialString(endpointId, contact),
    }));
  }

  private async find(account: AccountEntity, sid: string): Promise<ExtensionEntity> {
    const extension = sidPattern('EX').test(sid)
      ? await this.extensions.findOneBy({ sid, accountSid: account.sid })
      : null;
    if (!extension)
      throw new DomainError(
        DomainErrorCode.NotFound,
        `The requested resource Extension ${sid} was not found`,
      );
    return extension;
  }

  private async view(extension: ExtensionEntity, account: AccountEntity): Promise<ExtensionView> {
    const domain = accountSipDomain(account);
    const registrations = extension.enabled
      ? await this.registrations(extensionEndpointId(extension.extensionNumber, domain))
      : [];
    return { extension, domain, registrations };
  }

  private async moveDomain(change: SipDomainChange): Promise<void> {
    const extensions = await this.extensions.findBy({ accountSid: change.accountSid });
    for (const extension of extensions) {
      await this.unprovision(extensionEndpointId(extension.extensionNumber, change.from));
      await this.mirror(extension, change.to);
    }
  }

  /** Brings Asterisk in line with one extension. An unreachable Asterisk is fixed by the next connection. */
  private async mirror(extension: ExtensionEntity, domain: string): Promise<void> {
    if (!extension.enabled) return this.unprovision(extensionEndpointId(extension.extensionNumber, domain));
    try {
      await this.directory.upsert(toSipUser(extension, domain));
    } catch (error) {
      this.warn(extensionEndpointId(extension.extensionNumber, domain), error);
    }
  }

  private async unprovision(endpointId: string): Promise<void> {
    try {
      await this.directory.remove(endpointId);
    } catch (error) {
      if (!(error instanceof TelephonyError)) throw error;
      this.warn(endpointId, error);
    }
  }

  private warn(id: string, error: unknown): void {
    this.logger.warn(`Could not provision extension ${id}: ${(error as Error).message}`);
  }
}

function toSipUser(extension: ExtensionEntity, domain: string): SipUser {
  return {
    id: extensionEndpointId(extension.extensionNumber, domain),
    username: extension.extensionNumber,
    passwordHa1: extension.passwordHa1,
    maxContacts: EXTENSION_MAX_CONTACTS,
  };
}

/** What Digest verification of the PIN needs; no PIN (or '') stores none. */
function pinHa1s(
  extensionNumber: string,
  pin: string | undefined,
): Pick<ExtensionEntity, 'pinHa1Md5' | 'pinHa1Sha256'> {
  if (!pin) return { pinHa1Md5: null, pinHa1Sha256: null };
  return {
    pinHa1Md5: pinDigestHa1('MD5', extensionNumber, pin),
    pinHa1Sha256: pinDigestHa1('SHA-256', extensionNumber, pin),
  };
}

function numberTaken(extensionNumber: string): DomainError {
  return new DomainError(
    DomainErrorCode.InvalidParameter,
    `The ExtensionNumber ${extensionNumber} is already used in this account`,
  );
}
