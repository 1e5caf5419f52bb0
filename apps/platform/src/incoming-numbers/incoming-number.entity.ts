import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A number (E.164, digits or SIP user part) that routes inbound calls to one account's RCML. */
@Entity('incoming_phone_numbers')
@Index('idx_incoming_phone_numbers_account_created', ['accountSid', 'dateCreated', 'sid'])
@Index('uq_incoming_phone_numbers_number', ['phoneNumber'], { unique: true })
export class IncomingNumberEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ name: 'phone_number', type: 'varchar', length: 65 })
  phoneNumber: string;

  @Column({ name: 'friendly_name', type: 'varchar', length: 255 })
  friendlyName: string;

  @Column({ name: 'voice_url', type: 'varchar', length: 2048, nullable: true })
  voiceUrl: string | null;

  @Column({ name: 'voice_method', type: 'varchar', length: 4, default: 'POST' })
  voiceMethod: string;

  @Column({ name: 'voice_fallback_url', type: 'varchar', length: 2048, nullable: true })
  voiceFallbackUrl: string | null;

  @Column({ name: 'voice_fallback_method', type: 'varchar', length: 4, default: 'POST' })
  voiceFallbackMethod: string;

  @Column({ name: 'status_callback', type: 'varchar', length: 2048, nullable: true })
  statusCallback: string | null;

  @Column({ name: 'status_callback_method', type: 'varchar', length: 4, default: 'POST' })
  statusCallbackMethod: string;

  /** Which progress events of its calls go to StatusCallback (space-separated); null: completed only. */
  @Column({ name: 'status_callback_event', type: 'varchar', length: 64, nullable: true })
  statusCallbackEvent: string | null;

  /** An Application whose voice settings its calls run instead of the number's own (Twilio's). */
  @Column({ name: 'voice_application_sid', type: 'varchar', length: 34, nullable: true })
  voiceApplicationSid: string | null;

  @Column({ name: 'api_version', type: 'varchar', length: 16 })
  apiVersion: string;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
