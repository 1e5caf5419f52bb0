import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Twilio's Application: a named set of voice settings (URL, method, fallback, status callback) that
 * calls (Calls.create `ApplicationSid`) and numbers (`VoiceApplicationSid`) can point at. The SMS
 * settings are kept and shown; the platform sends no messages.
 */
@Entity('applications')
@Index('idx_applications_account_created', ['accountSid', 'dateCreated', 'sid'])
export class ApplicationEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ name: 'friendly_name', type: 'varchar', length: 255 })
  friendlyName: string;

  @Column({ name: 'api_version', type: 'varchar', length: 16 })
  apiVersion: string;

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

  @Column({ name: 'voice_caller_id_lookup', type: 'boolean', default: false })
  voiceCallerIdLookup: boolean;

  @Column({ name: 'sms_url', type: 'varchar', length: 2048, nullable: true })
  smsUrl: string | null;

  @Column({ name: 'sms_method', type: 'varchar', length: 4, default: 'POST' })
  smsMethod: string;

  @Column({ name: 'sms_fallback_url', type: 'varchar', length: 2048, nullable: true })
  smsFallbackUrl: string | null;

  @Column({ name: 'sms_fallback_method', type: 'varchar', length: 4, default: 'POST' })
  smsFallbackMethod: string;

  @Column({ name: 'sms_status_callback', type: 'varchar', length: 2048, nullable: true })
  smsStatusCallback: string | null;

  @Column({ name: 'message_status_callback', type: 'varchar', length: 2048, nullable: true })
  messageStatusCallback: string | null;

  @Column({ name: 'public_application_connect_enabled', type: 'boolean', default: false })
  publicApplicationConnectEnabled: boolean;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
