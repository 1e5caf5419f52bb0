import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TIMESTAMP_TYPE } from '../../common/column-types';
import { CallDirection, CallStatus } from './call-status';

@Entity('calls')
@Index('idx_calls_account_created', ['accountSid', 'dateCreated', 'sid'])
export class CallEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ name: 'parent_call_sid', type: 'varchar', length: 34, nullable: true })
  parentCallSid: string | null;

  @Column({ name: 'to', type: 'varchar', length: 512 })
  to: string;

  @Column({ name: 'from', type: 'varchar', length: 512 })
  from: string;

  @Column({ type: 'varchar', length: 16 })
  status: CallStatus;

  @Column({ type: 'varchar', length: 16 })
  direction: CallDirection;

  @Column({ name: 'start_time', type: TIMESTAMP_TYPE, nullable: true })
  startTime: Date | null;

  @Column({ name: 'end_time', type: TIMESTAMP_TYPE, nullable: true })
  endTime: Date | null;

  @Column({ type: 'integer', nullable: true })
  duration: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  price: string | null;

  @Column({ name: 'answered_by', type: 'varchar', length: 16, nullable: true })
  answeredBy: string | null;

  @Column({ name: 'api_version', type: 'varchar', length: 16 })
  apiVersion: string;

  @Column({ name: 'caller_name', type: 'varchar', length: 255, nullable: true })
  callerName: string | null;

  /** What the application that set the call up asked to keep with it (PortSIP `user_data`). */
  @Column({ name: 'user_data', type: 'varchar', length: 1024, nullable: true })
  userData: string | null;

  /** Twilio's MachineDetection settings of the call (JSON of MachineDetectionSettings); null without. */
  @Column({ name: 'machine_detection', type: 'varchar', length: 2048, nullable: true })
  machineDetection: string | null;

  /** The SIP Subject the call's first INVITE carried (sipX call controller `subject`). */
  @Column({ type: 'varchar', length: 256, nullable: true })
  subject: string | null;

  @Column({ name: 'forwarded_from', type: 'varchar', length: 255, nullable: true })
  forwardedFrom: string | null;

  @Column({ name: 'phone_number_sid', type: 'varchar', length: 34, nullable: true })
  phoneNumberSid: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  url: string | null;

  @Column({ type: 'varchar', length: 4, default: 'POST' })
  method: string;

  /** An inline document (Twilio's `Twiml`) the call runs instead of fetching `url`. */
  @Column({ type: 'text', nullable: true })
  twiml: string | null;

  /** What acts once the call is answered (JSON of CallOptions: SendDigits, TimeLimit, Record); null without. */
  @Column({ name: 'call_options', type: 'varchar', length: 2048, nullable: true })
  callOptions: string | null;

  @Column({ name: 'fallback_url', type: 'varchar', length: 2048, nullable: true })
  fallbackUrl: string | null;

  @Column({ name: 'fallback_method', type: 'varchar', length: 4, default: 'POST' })
  fallbackMethod: string;

  @Column({ name: 'status_callback', type: 'varchar', length: 2048, nullable: true })
  statusCallback: string | null;

  @Column({ name: 'status_callback_method', type: 'varchar', length: 4, default: 'POST' })
  statusCallbackMethod: string;

  /**
   * The progress events StatusCallback receives, space-separated (Twilio's StatusCallbackEvent); null
   * means `completed` only. Kept on the record so a queued call sends them once it is dialed.
   */
  @Column({ name: 'status_callback_event', type: 'varchar', length: 64, nullable: true })
  statusCallbackEvent: string | null;

  /** Seconds to let the far end ring before giving up with no-answer. */
  @Column({ type: 'integer', default: 60 })
  timeout: number;

  @Column({ name: 'channel_id', type: 'varchar', length: 64, nullable: true })
  channelId: string | null;

  /** The Asterisk server (ASTERISK_SERVERS name) that hosts the channel; null until it is placed. */
  @Column({ name: 'asterisk_server', type: 'varchar', length: 64, nullable: true })
  asteriskServer: string | null;

  /**
   * With several nodes: the platform process whose memory holds the call while it is queued, so
   * recovery leaves a queue that is still alive alone. Null with one node.
   */
  @Column({ name: 'queued_by', type: 'varchar', length: 64, nullable: true })
  queuedBy: string | null;

  @Column({ name: 'sip_call_id', type: 'varchar', length: 255, nullable: true })
  sipCallId: string | null;

  @Column({ name: 'sip_response_code', type: 'integer', nullable: true })
  sipResponseCode: number | null;

  @Column({ name: 'hangup_cause', type: 'integer', nullable: true })
  hangupCause: number | null;

  @Column({ name: 'answer_time', type: TIMESTAMP_TYPE, nullable: true })
  answerTime: Date | null;

  /** Last time a platform process watched this live call (see call-recovery.ts). */
  @Column({ name: 'last_seen', type: TIMESTAMP_TYPE, nullable: true })
  lastSeen: Date | null;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
