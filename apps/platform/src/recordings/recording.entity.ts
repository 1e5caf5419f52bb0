import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A stored recording of a call: metadata here, the WAV file under `config.recordingsPath`. */
@Entity('recordings')
@Index('idx_recordings_account_created', ['accountSid', 'dateCreated', 'sid'])
@Index('idx_recordings_call', ['callSid', 'dateCreated'])
export class RecordingEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ name: 'call_sid', type: 'varchar', length: 34, nullable: true })
  callSid: string | null;

  /** Whole seconds. */
  @Column({ type: 'integer' })
  duration: number;

  @Column({ type: 'varchar', length: 16, default: 'completed' })
  status: string;

  /** What produced it, in Twilio's words (`RecordVerb`, `DialVerb`...). */
  @Column({ type: 'varchar', length: 32 })
  source: string;

  @Column({ type: 'integer', default: 1 })
  channels: number;

  /** Relative to `config.recordingsPath`. */
  @Column({ name: 'file_path', type: 'varchar', length: 512 })
  filePath: string;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
