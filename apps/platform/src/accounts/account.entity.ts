import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TIMESTAMP_TYPE } from '../common/column-types';

@Entity('accounts')
export class AccountEntity {
  @PrimaryColumn({ type: 'varchar', length: 34 })
  sid: string;

  /** The main account that owns this subaccount; null for a main account (the bootstrap account). */
  @Column({ name: 'parent_sid', type: 'varchar', length: 34, nullable: true })
  parentSid: string | null;

  @Column({ name: 'friendly_name', type: 'varchar', length: 255 })
  friendlyName: string;

  /** Kept in clear: Twilio-style request signing needs the token itself as the HMAC key. */
  @Column({ name: 'auth_token', type: 'varchar', length: 64 })
  authToken: string;

  /** Rotation: authenticates like the primary until it is promoted or deleted; never signs requests. */
  @Column({ name: 'secondary_auth_token', type: 'varchar', length: 64, nullable: true })
  secondaryAuthToken: string | null;

  @Column({ name: 'secondary_auth_token_created', type: TIMESTAMP_TYPE, nullable: true })
  secondaryAuthTokenCreated: Date | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: string;

  /** Outbound API calls dialed per second; more wait in `queued` (see AccountLimitsService). */
  @Column({ type: 'integer', default: 10 })
  cps: number;

  /** Live calls (inbound, outbound and Dial legs) at once; more inbound get SIP 503, more outbound wait. */
  @Column({ name: 'max_concurrent_calls', type: 'integer', default: 200 })
  maxConcurrentCalls: number;

  /** Outbound API calls that may wait to be dialed; a create past it answers 429 (code 20429). */
  @Column({ name: 'max_queued_calls', type: 'integer', default: 1000 })
  maxQueuedCalls: number;

  /** Phones of this tenant register as `<extension>@<sipDomain>`; null: `defaultSipDomain(sid)`. */
  @Column({ name: 'sip_domain', type: 'varchar', length: 253, nullable: true })
  sipDomain: string | null;

  /** Recording media URLs need HTTP Basic (Twilio's "Enforce HTTP Auth on Media URLs"); off by default. */
  @Column({ name: 'enforce_media_auth', type: 'boolean', default: false })
  enforceMediaAuth: boolean;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;

  @UpdateDateColumn({ name: 'date_updated' })
  dateUpdated: Date;
}
