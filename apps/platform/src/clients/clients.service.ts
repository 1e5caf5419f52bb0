import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { RESTCOMM_API_VERSION } from '../common/api-version';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { insertionOrder, type Page } from '../common/paging';
import { newSid, sidPattern } from '../common/sid';
import {
  digestHa1,
  SipUser,
  SipUserConflictError,
  SipUserDirectory,
} from '../telephony/sip-user-directory.port';
import { TelephonyError, TelephonyGateway } from '../telephony/telephony-gateway.port';
import { ClientEntity } from './client.entity';
import type { CreateClientDto } from './dto/create-client.dto';
import type { UpdateClientDto } from './dto/update-client.dto';

export interface ClientFilter {
  login?: string;
  friendlyName?: string;
}

/** What `<Client>` needs to ring a client: the dial string, and whether a phone is registered. */
export interface DialableClient {
  dialString: string;
  registered: boolean;
}

const orNull = (value: string | undefined) => (value ? value : null);

/** How often the ARI connection state is looked at to notice a (re)connection. */
const RESYNC_RETRY_MS = 5000;

/**
 * Clients (SIP users) of an account, kept in the database and mirrored into Asterisk.
 *
 * The Asterisk endpoint of a client is named like its Login: Asterisk identifies a REGISTER by its
 * From user, and binds it to the AOR named like the To user, so a phone registering as
 * `sip:<Login>@<platform>` with digest username Login finds its endpoint. Logins are therefore
 * unique on the whole platform, and one that names an object configured in Asterisk is refused.
 *
 * Asterisk keeps these objects in memory only, so they vanish when it restarts. Each time the
 * gateway reports the ARI connection up (at boot, and after every reconnect, which is what an
 * Asterisk restart looks like from here) every active client is re-provisioned, retrying every
 * RESYNC_RETRY_MS while Asterisk stays reachable until a pass succeeds.
 */
@Injectable()
export class ClientsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Clients');
  private retry: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;

  constructor(
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    private readonly directory: SipUserDirectory,
    private readonly gateway: TelephonyGateway,
  ) {}

  onApplicationBootstrap(): void {
    this.gateway.onConnected(() => void this.resync());
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.syncing;
  }

  private resync(): Promise<void> {
    this.syncing ??= this.provisionAll()
      .then(
        (ok) => ok,
        (error) => {
          this.logger.warn(`Provisioning clients failed: ${error}`);
          return false;
        },
      )
      .then((ok) => {
        this.syncing = null;
        // Disconnected: the next connection triggers a resync anyway.
        if (!ok && this.gateway.isConnected()) this.retryLater();
      });
    return this.syncing;
  }

  private retryLater(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.resync();
    }, RESYNC_RETRY_MS);
    this.retry.unref();
  }

  /** Upserts every active client into Asterisk; false when some could not be provisioned. */
  async provisionAll(): Promise<boolean> {
    const active = await this.clients.findBy({ status: 'active' });
    const failures = await this.directory.syncAll(active.map(toSipUser));
    for (const { id, error } of failures)
      this.logger.warn(`Could not provision SIP user ${id}: ${(error as Error).message}`);
    if (active.length > 0)
      this.logger.log(`Provisioned ${active.length - failures.length} of ${active.length} clients`);
    // A conflict will not resolve itself by retrying; an unreachable Asterisk may.
    return !failures.some(({ error }) => !(error instanceof SipUserConflictError));
  }

  async create(account: AccountEntity, request: CreateClientDto): Promise<ClientEntity> {
    if (await this.clients.existsBy({ login: request.Login })) throw loginTaken(request.Login);
    await this.ensureFreeInAsterisk(request.Login);
    const client = this.clients.create({
      sid: newSid('CL'),
      accountSid: account.sid,
      login: request.Login,
      passwordHa1: digestHa1(request.Login, request.Password),
      friendlyName: request.FriendlyName || request.Login,
      voiceUrl: orNull(request.VoiceUrl),
      voiceMethod: request.VoiceMethod,
      status: request.Status,
      apiVersion: RESTCOMM_API_VERSION,
      dateCreated: new Date(),
    });
    let saved: ClientEntity;
    try {
      saved = await this.clients.save(client);
    } catch (error) {
      if (isUniqueViolation(error)) throw loginTaken(request.Login);
      throw error;
    }
    await this.mirror(saved);
    return saved;
  }

  async get(account: AccountEntity, sid: string): Promise<ClientEntity> {
    const client = sidPattern('CL').test(sid)
      ? await this.clients.findOneBy({ sid, accountSid: account.sid })
      : null;
    if (!client)
      throw new DomainError(DomainErrorCode.NotFound, `The requested resource Client ${sid} was not found`);
    return client;
  }

  async list(
    account: AccountEntity,
    page: number,
    pageSize: number,
    filter: ClientFilter = {},
  ): Promise<Page<ClientEntity>> {
    const query = this.clients
      .createQueryBuilder('client')
      .where('client.accountSid = :accountSid', { accountSid: account.sid });
    if (filter.login !== undefined) query.andWhere('client.login = :login', { login: filter.login });
    if (filter.friendlyName !== undefined)
      query.andWhere('client.friendlyName = :friendlyName', { friendlyName: filter.friendlyName });
    const [items, total] = await query
      .orderBy('client.dateCreated', 'DESC')
      .addOrderBy(insertionOrder(this.clients, 'client'), 'DESC')
      .offset(page * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  async update(account: AccountEntity, sid: string, changes: UpdateClientDto): Promise<ClientEntity> {
    const client = await this.get(account, sid);
    if (changes.Password !== undefined) client.passwordHa1 = digestHa1(client.login, changes.Password);
    if (changes.FriendlyName !== undefined) client.friendlyName = changes.FriendlyName || client.login;
    if (changes.VoiceUrl !== undefined) client.voiceUrl = orNull(changes.VoiceUrl);
    if (changes.VoiceMethod !== undefined) client.voiceMethod = changes.VoiceMethod;
    if (changes.Status !== undefined) client.status = changes.Status;
    client.dateUpdated = new Date();
    const saved = await this.clients.save(client);
    await this.mirror(saved);
    return saved;
  }

  async remove(account: AccountEntity, sid: string): Promise<void> {
    const client = await this.get(account, sid);
    await this.clients.delete({ sid: client.sid });
    await this.unprovision(client.login);
  }

  /**
   * For `<Client>`: the account's active client with this login, how to dial it, and whether a
   * phone is registered now (false also when Asterisk cannot be asked). null: no such active client.
   */
  async findDialable(accountSid: string, login: string): Promise<DialableClient | null> {
    const client = await this.clients.findOneBy({ accountSid, login, status: 'active' });
    if (!client) return null;
    let registered = false;
    try {
      registered = (await this.directory.contacts(client.login)).length > 0;
    } catch (error) {
      this.logger.warn(`Could not read the contacts of ${client.login}: ${(error as Error).message}`);
    }
    return { dialString: this.directory.dialString(client.login), registered };
  }

  /** Brings Asterisk in line with one client. An unreachable Asterisk is fixed by the next resync. */
  private async mirror(client: ClientEntity): Promise<void> {
    if (client.status !== 'active') return this.unprovision(client.login);
    try {
      await this.directory.upsert(toSipUser(client));
    } catch (error) {
      if (error instanceof SipUserConflictError) {
        this.logger.warn(`Client ${client.login} not provisioned: ${error.message}`);
        return;
      }
      if (!(error instanceof TelephonyError)) throw error;
      this.logger.warn(`Client ${client.login} not provisioned now: ${error.message}`);
      this.retryLater();
    }
  }

  private async unprovision(login: string): Promise<void> {
    try {
      await this.directory.remove(login);
    } catch (error) {
      if (!(error instanceof TelephonyError)) throw error;
      // Nothing to retry with: the object is gone from the database. A restart of Asterisk clears it.
      this.logger.warn(`Client ${login} not removed from Asterisk: ${error.message}`);
    }
  }

  private async ensureFreeInAsterisk(login: string): Promise<void> {
    let available: boolean;
    try {
      available = await this.directory.isAvailable(login);
    } catch (error) {
      if (!(error instanceof TelephonyError)) throw error;
      throw new DomainError(
        DomainErrorCode.TelephonyUnavailable,
        'Asterisk cannot be reached to check the Login; try again later',
      );
    }
    if (!available) throw loginTaken(login);
  }
}

function toSipUser(client: ClientEntity): SipUser {
  return { id: client.login, username: client.login, passwordHa1: client.passwordHa1 };
}

function loginTaken(login: string): DomainError {
  // The same answer whoever holds it (this account, another tenant, Asterisk's own configuration).
  return new DomainError(DomainErrorCode.InvalidParameter, `The Login ${login} is not available`);
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; message?: string } | undefined;
  return (
    driverError?.code === '23505' || /UNIQUE constraint failed/i.test(driverError?.message ?? error.message)
  );
}
