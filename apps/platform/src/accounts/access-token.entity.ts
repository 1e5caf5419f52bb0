import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { TIMESTAMP_TYPE } from '../common/column-types';

/**
 * One Bearer grant of the PBX APIs: an access token and the refresh token that renews it, kept only as
 * SHA-256 hashes (they are long random strings: a fast hash is enough, and lookups stay indexed).
 */
@Entity('access_tokens')
@Index('idx_access_tokens_refresh', ['refreshHash'], { unique: true })
export class AccessTokenEntity {
  @PrimaryColumn({ name: 'access_hash', type: 'varchar', length: 64 })
  accessHash: string;

  @Column({ name: 'refresh_hash', type: 'varchar', length: 64 })
  refreshHash: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  /** Set for an agent's grant: the token acts as this extension of the account only. */
  @Column({ name: 'extension_number', type: 'varchar', length: 10, nullable: true })
  extensionNumber: string | null;

  @Column({ name: 'access_expires_at', type: TIMESTAMP_TYPE })
  accessExpiresAt: Date;

  @Column({ name: 'refresh_expires_at', type: TIMESTAMP_TYPE })
  refreshExpiresAt: Date;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;
}
