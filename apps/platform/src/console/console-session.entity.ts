import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { TIMESTAMP_TYPE } from '../common/column-types';

/** A web console sign-in. The cookie holds a random id; only its SHA-256 is stored. */
@Entity('console_sessions')
export class ConsoleSessionEntity {
  @PrimaryColumn({ name: 'id_hash', type: 'varchar', length: 64 })
  idHash: string;

  /** The account whose credentials signed in. */
  @Column({ name: 'user_sid', type: 'varchar', length: 34 })
  userSid: string;

  /** The account the console acts on: the user's own, or one of its subaccounts after a switch. */
  @Column({ name: 'account_sid', type: 'varchar', length: 34 })
  accountSid: string;

  @Column({ type: 'varchar', length: 16 })
  credential: 'auth-token' | 'api-key';

  /** The API key that signed in: deleting the key ends the session too. */
  @Column({ name: 'api_key_sid', type: 'varchar', length: 34, nullable: true })
  apiKeySid: string | null;

  @Column({ name: 'csrf_token', type: 'varchar', length: 64 })
  csrfToken: string;

  @Column({ name: 'expires_at', type: TIMESTAMP_TYPE })
  expiresAt: Date;

  @CreateDateColumn({ name: 'date_created' })
  dateCreated: Date;
}
