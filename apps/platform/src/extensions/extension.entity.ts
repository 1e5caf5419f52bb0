import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A PBX extension of one account (tenant): a phone registers as `<extensionNumber>@<sip domain>`
 * with the number as digest username. Numbers are unique within the account only: the domain
 * tells two tenants' 1001 apart.
 */
@Entity('extensions')
@Index('idx_extensions_account_created', ['accountSid', 'dateCreated', 'sid'])
@Index('uq_extensions_account_number', ['accountSid', 'extensionNumber'], { unique: true })
export class ExtensionEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ name: 'extension_number', type: 'varchar', length: 10 })
  extensionNumber: string;

  /** MD5(extension:realm:password), the digest HA1; the password itself is not stored. */
  @Column({ name: 'password_ha1', type: 'varchar', length: 32 })
  passwordHa1: string;

  /**
   * The callcontroller PIN (a secret apart from the SIP password) as the two Digest HA1s
   * (`<extension>:callwright-callcontroller:<pin>`, MD5 and SHA-256); null: no PIN, Digest refused.
   */
  @Column({ name: 'pin_ha1_md5', type: 'varchar', length: 32, nullable: true })
  pinHa1Md5: string | null;

  @Column({ name: 'pin_ha1_sha256', type: 'varchar', length: 64, nullable: true })
  pinHa1Sha256: string | null;

  /** May place callcontroller calls for other users of its account (sipX's `agent`). */
  @Column({ name: 'call_controller_agent', type: 'boolean', default: false })
  callControllerAgent: boolean;

  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName: string;

  /** The caller id of its calls that leave through the trunk; null: the extension number. */
  @Column({ name: 'outbound_caller_id', type: 'varchar', length: 32, nullable: true })
  outboundCallerId: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'api_version', type: 'varchar', length: 16 })
  apiVersion: string;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
