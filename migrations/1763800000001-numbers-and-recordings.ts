import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** IncomingPhoneNumbers (inbound routing) and Recordings (Record verb). */
export class NumbersAndRecordings1763800000001 implements MigrationInterface {
  name = 'NumbersAndRecordings1763800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const now = postgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    const dates = [
      { name: 'date_created', type: timestamp, default: now },
      { name: 'date_updated', type: timestamp, default: now },
    ];
    await queryRunner.createTable(
      new Table({
        name: 'incoming_phone_numbers',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'phone_number', type: 'varchar', length: '65' },
          { name: 'friendly_name', type: 'varchar', length: '255' },
          { name: 'voice_url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'voice_method', type: 'varchar', length: '4', default: "'POST'" },
          { name: 'voice_fallback_url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'voice_fallback_method', type: 'varchar', length: '4', default: "'POST'" },
          { name: 'status_callback', type: 'varchar', length: '2048', isNullable: true },
          { name: 'status_callback_method', type: 'varchar', length: '4', default: "'POST'" },
          { name: 'api_version', type: 'varchar', length: '16' },
          ...dates,
        ],
      }),
    );
    // One number routes to one account: unique across the whole platform.
    await queryRunner.createIndex(
      'incoming_phone_numbers',
      new TableIndex({
        name: 'uq_incoming_phone_numbers_number',
        columnNames: ['phone_number'],
        isUnique: true,
      }),
    );
    await queryRunner.createIndex(
      'incoming_phone_numbers',
      new TableIndex({
        name: 'idx_incoming_phone_numbers_account_created',
        columnNames: ['account_sid', 'date_created', 'sid'],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'recordings',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'call_sid', type: 'varchar', length: '34', isNullable: true },
          { name: 'duration', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16', default: "'completed'" },
          { name: 'source', type: 'varchar', length: '32' },
          { name: 'channels', type: 'integer', default: 1 },
          { name: 'file_path', type: 'varchar', length: '512' },
          ...dates,
        ],
      }),
    );
    await queryRunner.createIndex(
      'recordings',
      new TableIndex({
        name: 'idx_recordings_account_created',
        columnNames: ['account_sid', 'date_created', 'sid'],
      }),
    );
    await queryRunner.createIndex(
      'recordings',
      new TableIndex({ name: 'idx_recordings_call', columnNames: ['call_sid', 'date_created'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('recordings');
    await queryRunner.dropTable('incoming_phone_numbers');
  }
}
