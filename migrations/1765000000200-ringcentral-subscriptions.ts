import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** RingCentral-style WebHook subscriptions to telephony session events. */
export class RingcentralSubscriptions1765000000200 implements MigrationInterface {
  name = 'RingcentralSubscriptions1765000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'rc_subscriptions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'owner_id', type: 'varchar', length: '34' },
          { name: 'event_filters', type: 'text' },
          { name: 'address', type: 'varchar', length: '2048' },
          { name: 'verification_token', type: 'varchar', length: '64', isNullable: true },
          { name: 'expires_in', type: 'integer' },
          { name: 'expiration_time', type: timestamp },
          { name: 'creation_time', type: timestamp },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'suspended_reason', type: 'varchar', length: '1024', isNullable: true },
          { name: 'suspended_at', type: timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'rc_subscriptions',
      new TableIndex({ name: 'idx_rc_subscriptions_account', columnNames: ['account_sid', 'status'] }),
    );
    await queryRunner.createIndex(
      'rc_subscriptions',
      new TableIndex({
        name: 'idx_rc_subscriptions_owner',
        columnNames: ['account_sid', 'owner_id', 'creation_time'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rc_subscriptions');
  }
}
