import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An API key (`SK…`): a second credential of one account whose secret is kept only as a slow hash. */
@Entity('api_keys')
@Index('idx_api_keys_account_created', ['accountSid', 'dateCreated'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ name: 'friendly_name', type: 'varchar', length: 255 })
  friendlyName: string;

  /** `scrypt$N$r$p$salt$hash` (see api-key-secret.ts); the secret itself is shown once at creation. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 255 })
  secretHash: string;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
