import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TIMESTAMP_TYPE } from '../../../common/column-types';

export type SubscriptionStatus = 'Active' | 'Suspended';

/**
 * A RingCentral-style WebHook subscription: which session events (its event filters, with `~` already
 * resolved) go to which address. Expired rows are deleted (RingCentral forgets expired subscriptions).
 */
@Entity('rc_subscriptions')
@Index('idx_rc_subscriptions_account', ['accountSid', 'status'])
@Index('idx_rc_subscriptions_owner', ['accountSid', 'ownerId', 'creationTime'])
export class SubscriptionEntity {
  /** A UUID, as RingCentral's ids are. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  /** Who created it: the extension (EX sid) of an extension token, else the account (AC sid). */
  @Column({ name: 'owner_id', type: 'varchar', length: 34 })
  ownerId: string;

  /** The filters as stored and shown: absolute paths with ids in place of `~`. */
  @Column({ name: 'event_filters', type: 'simple-json' })
  eventFilters: string[];

  @Column({ type: 'varchar', length: 2048 })
  address: string;

  /** Sent back in the `Verification-Token` header of every notification; null when none was given. */
  @Column({ name: 'verification_token', type: 'varchar', length: 64, nullable: true })
  verificationToken: string | null;

  /** The lifetime asked for (seconds), which a renewal grants again from the time of renewal. */
  @Column({ name: 'expires_in', type: 'integer' })
  expiresIn: number;

  @Column({ name: 'expiration_time', type: TIMESTAMP_TYPE })
  expirationTime: Date;

  @Column({ name: 'creation_time', type: TIMESTAMP_TYPE })
  creationTime: Date;

  @Column({ type: 'varchar', length: 16 })
  status: SubscriptionStatus;

  /** Why deliveries stopped (shown as `blacklistedData`); null while Active. */
  @Column({ name: 'suspended_reason', type: 'varchar', length: 1024, nullable: true })
  suspendedReason: string | null;

  @Column({ name: 'suspended_at', type: TIMESTAMP_TYPE, nullable: true })
  suspendedAt: Date | null;
}
