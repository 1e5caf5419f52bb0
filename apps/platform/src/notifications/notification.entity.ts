import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

import { NotificationLevel } from '../common/notification-codes';

export { NotificationLevel };

@Entity('notifications')
@Index('idx_notifications_call', ['callSid', 'dateCreated'])
@Index('idx_notifications_account', ['accountSid', 'dateCreated'])
export class NotificationEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ name: 'call_sid', type: 'varchar', length: 34, nullable: true })
  callSid: string | null;

  @Column({ type: 'integer' })
  log: NotificationLevel;

  @Column({ name: 'error_code', type: 'integer' })
  errorCode: number;

  @Column({ name: 'more_info', type: 'varchar', length: 255 })
  moreInfo: string;

  @Column({ name: 'message_text', type: 'text' })
  messageText: string;

  @Column({ name: 'request_url', type: 'varchar', length: 2048, nullable: true })
  requestUrl: string | null;

  @Column({ name: 'request_method', type: 'varchar', length: 8, nullable: true })
  requestMethod: string | null;

  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;
}
