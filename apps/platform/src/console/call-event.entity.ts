import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP_TYPE } from '../common/column-types';

export type CallEventKind = 'status' | 'sip' | 'party' | 'conversation' | 'transfer' | 'webhook';

/** One entry of a call's event log, as the console's timeline and charts read it. */
@Entity('call_events')
export class CallEventEntity {
  @PrimaryGeneratedColumn({ type: process.env.DATABASE_TYPE === 'postgres' ? 'bigint' : 'integer' })
  id: string | number;

  @Column({ name: 'call_sid', type: 'varchar', length: 34 })
  callSid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ type: TIMESTAMP_TYPE })
  at: Date;

  /** The core's per-call sequence number; null for webhook requests (not core events). */
  @Column({ type: 'integer', nullable: true })
  sequence: number | null;

  @Column({ type: 'varchar', length: 16 })
  kind: CallEventKind;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ name: 'latency_ms', type: 'real', nullable: true })
  latencyMs: number | null;

  /** The event's details as JSON (never a secret: webhook URLs are stored with credentials redacted). */
  @Column({ type: 'text' })
  data: string;
}
