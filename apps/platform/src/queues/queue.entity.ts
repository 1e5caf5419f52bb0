import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A call queue (`QU…`) of one account: its name and size limit. Its members live in the core. */
@Entity('queues')
@Index('idx_queues_account_name', ['accountSid', 'friendlyName'], { unique: true })
export class QueueEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ name: 'friendly_name', type: 'varchar', length: 64 })
  friendlyName: string;

  @Column({ name: 'max_size', type: 'integer' })
  maxSize: number;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
