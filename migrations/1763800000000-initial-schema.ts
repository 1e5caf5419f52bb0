import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    const now =
      queryRunner.connection.options.type === 'postgres' ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    const created = [
      { name: 'date_created', type: timestamp, default: now },
      { name: 'date_updated', type: timestamp, default: now },
    ];
    await queryRunner.createTable(
      new Table({
        name: 'accounts',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'friendly_name', type: 'varchar', length: '255' },
          { name: 'auth_token', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16', default: "'active'" },
          ...created,
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'calls',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'parent_call_sid', type: 'varchar', length: '34', isNullable: true },
          { name: 'to', type: 'varchar', length: '512' },
          { name: 'from', type: 'varchar', length: '512' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'direction', type: 'varchar', length: '16' },
          { name: 'start_time', type: timestamp, isNullable: true },
          { name: 'end_time', type: timestamp, isNullable: true },
          { name: 'duration', type: 'integer', isNullable: true },
          { name: 'price', type: 'varchar', length: '16', isNullable: true },
          { name: 'answered_by', type: 'varchar', length: '16', isNullable: true },
          { name: 'api_version', type: 'varchar', length: '16' },
          { name: 'caller_name', type: 'varchar', length: '255', isNullable: true },
          { name: 'forwarded_from', type: 'varchar', length: '255', isNullable: true },
          { name: 'phone_number_sid', type: 'varchar', length: '34', isNullable: true },
          { name: 'url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'method', type: 'varchar', length: '4', default: "'POST'" },
          { name: 'fallback_url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'fallback_method', type: 'varchar', length: '4', default: "'POST'" },
          { name: 'status_callback', type: 'varchar', length: '2048', isNullable: true },
          { name: 'status_callback_method', type: 'varchar', length: '4', default: "'POST'" },
          { name: 'timeout', type: 'integer', default: 60 },
          { name: 'channel_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'sip_call_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'sip_response_code', type: 'integer', isNullable: true },
          { name: 'hangup_cause', type: 'integer', isNullable: true },
          { name: 'answer_time', type: timestamp, isNullable: true },
          ...created,
        ],
      }),
    );
    await queryRunner.createIndex(
      'calls',
      new TableIndex({
        name: 'idx_calls_account_created',
        columnNames: ['account_sid', 'date_created', 'sid'],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'notifications',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'call_sid', type: 'varchar', length: '34', isNullable: true },
          { name: 'log', type: 'integer' },
          { name: 'error_code', type: 'integer' },
          { name: 'more_info', type: 'varchar', length: '255' },
          { name: 'message_text', type: 'text' },
          { name: 'request_url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'request_method', type: 'varchar', length: '8', isNullable: true },
          { name: 'response_body', type: 'text', isNullable: true },
          { name: 'date_created', type: timestamp, default: now },
        ],
      }),
    );
    await queryRunner.createIndex(
      'notifications',
      new TableIndex({ name: 'idx_notifications_call', columnNames: ['call_sid', 'date_created'] }),
    );
    await queryRunner.createIndex(
      'notifications',
      new TableIndex({ name: 'idx_notifications_account', columnNames: ['account_sid', 'date_created'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notifications');
    await queryRunner.dropTable('calls');
    await queryRunner.dropTable('accounts');
  }
}
