import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { insertionOrder, type Page } from '../common/paging';
import { newSid, sidPattern } from '../common/sid';
import type { AccountEntity } from './account.entity';
import { hashKeySecret, newKeySecret, secretFingerprint, verifyKeySecret } from './api-key-secret';
import { ApiKeyEntity } from './api-key.entity';
import { VerifiedKeyCache } from './verified-key-cache';

@Injectable()
export class ApiKeysService {
  readonly cache = new VerifiedKeyCache();

  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  /** The secret is returned here and nowhere else: only its hash is stored. */
  async create(
    account: AccountEntity,
    friendlyName: string | undefined,
  ): Promise<{ key: ApiKeyEntity; secret: string }> {
    const secret = newKeySecret();
    const key = await this.keys.save(
      this.keys.create({
        sid: newSid('SK'),
        accountSid: account.sid,
        friendlyName: friendlyName ?? '',
        secretHash: await hashKeySecret(secret),
        dateCreated: new Date(),
      }),
    );
    return { key, secret };
  }

  async get(account: AccountEntity, sid: string): Promise<ApiKeyEntity> {
    const key = sidPattern('SK').test(sid)
      ? await this.keys.findOneBy({ sid, accountSid: account.sid })
      : null;
    if (!key)
      throw new DomainError(DomainErrorCode.NotFound, `The requested resource Key ${sid} was not found`);
    return key;
  }

  async list(account: AccountEntity, page: number, pageSize: number): Promise<Page<ApiKeyEntity>> {
    const [items, total] = await this.keys
      .createQueryBuilder('key')
      .where('key.accountSid = :accountSid', { accountSid: account.sid })
      .orderBy('key.dateCreated', 'DESC')
      .addOrderBy(insertionOrder(this.keys, 'key'), 'DESC')
      .offset(page * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  async update(account: AccountEntity, sid: string, friendlyName: string | undefined): Promise<ApiKeyEntity> {
    const key = await this.get(account, sid);
    if (friendlyName !== undefined) key.friendlyName = friendlyName;
    key.dateUpdated = new Date();
    return this.keys.save(key);
  }

  async remove(account: AccountEntity, sid: string): Promise<void> {
    const key = await this.get(account, sid);
    // Before the row goes: a request racing the delete must not be let in by the cache afterwards.
    this.cache.forget(key.sid);
    await this.keys.delete({ sid: key.sid });
    this.cache.forget(key.sid);
  }

  /** The AccountSid an `SK…:secret` login belongs to, or null. Unknown sids cost no hashing. */
  async authenticate(keySid: string, secret: string): Promise<string | null> {
    if (!sidPattern('SK').test(keySid)) return null;
    const fingerprint = secretFingerprint(secret);
    const cached = this.cache.get(keySid, fingerprint);
    if (cached) return cached;
    const key = await this.keys.findOneBy({ sid: keySid });
    if (!key || !(await verifyKeySecret(secret, key.secretHash))) return null;
    // Deleted while we were hashing: do not resurrect it in the cache.
    if (!(await this.keys.existsBy({ sid: keySid }))) return null;
    this.cache.remember(keySid, fingerprint, key.accountSid);
    return key.accountSid;
  }
}
