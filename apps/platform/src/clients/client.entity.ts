import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type ClientStatus = 'active' | 'inactive';

/**
 * A SIP user of one account (RestComm Client): a phone registers with Login and Password and is
 * dialed with `<Client>`. Logins are unique on the whole platform because they name the Asterisk
 * endpoint the phone registers to.
 */
@Entity('clients')
@Index('idx_clients_account_created', ['accountSid', 'dateCreated', 'sid'])
@Index('uq_clients_login', ['login'], { unique: true })
export class ClientEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ type: 'varchar', length: 64 })
  login: string;

  /** MD5(login:realm:password), the digest HA1; the password itself is not stored. */
  @Column({ name: 'password_ha1', type: 'varchar', length: 32 })
  passwordHa1: string;

  @Column({ name: 'friendly_name', type: 'varchar', length: 255 })
  friendlyName: string;

  @Column({ name: 'voice_url', type: 'varchar', length: 2048, nullable: true })
  voiceUrl: string | null;

  @Column({ name: 'voice_method', type: 'varchar', length: 4, default: 'POST' })
  voiceMethod: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: ClientStatus;

  @Column({ name: 'api_version', type: 'varchar', length: 16 })
  apiVersion: string;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
