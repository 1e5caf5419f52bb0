import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('accounts')
export class AccountEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'friendly_name', type: 'varchar', length: 255 })
  friendlyName: string;

  /** Kept in clear: Twilio-style request signing needs the token itself as the HMAC key. */
  @Column({ name: 'auth_token', type: 'varchar', length: 64 })
  authToken: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: string;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
