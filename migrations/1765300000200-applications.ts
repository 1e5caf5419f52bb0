import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Twilio's Applications, and the application an IncomingPhoneNumber may route its calls to. */
export class Applications1765300000200 implements MigrationInterface {
  name = 'Applications1765300000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const now = postgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    const url = (name: string) => ({ name, type: 'varchar', length: '2048', isNullable: true });
    const method = (name: string) => ({ name, type: 'varchar', length: '4', default: "'POST'" });
    await queryRunner.createTable(
      new Table({
        name: 'applications',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'friendly_name', type: 'varchar', length: '255' },
          { name: 'api_version', type: 'varchar', length: '16' },
          url('voice_url'),
          method('voice_method'),
          url('voice_fallback_url'),
          method('voice_fallback_method'),
          url('status_callback'),
          method('status_callback_method'),
          { name: 'voice_caller_id_lookup', type: 'boolean', default: false },
          url('sms_url'),
          method('sms_method'),
          url('sms_fallback_url'),
          method('sms_fallback_method'),
          url('sms_status_callback'),
          url('message_status_callback'),
          { name: 'public_application_connect_enabled', type: 'boolean', default: false },
          { name: 'date_created', type: timestamp, default: now },
          { name: 'date_updated', type: timestamp, default: now },
        ],
      }),
    );
    await queryRunner.createIndex(
      'applications',
      new TableIndex({
        name: 'idx_applications_account_created',
        columnNames: ['account_sid', 'date_created', 'sid'],
      }),
    );
    await queryRunner.addColumn(
      'incoming_phone_numbers',
      new TableColumn({ name: 'voice_application_sid', type: 'varchar', length: '34', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('incoming_phone_numbers', 'voice_application_sid');
    await queryRunner.dropTable('applications');
  }
}
