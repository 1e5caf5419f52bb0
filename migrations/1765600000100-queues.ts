import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Twilio's Queues resource: a named queue of an account with its MaxSize (members live in memory). */
export class Queues1765600000100 implements MigrationInterface {
  name = 'Queues1765600000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const now = postgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    await queryRunner.createTable(
      new Table({
        name: 'queues',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'friendly_name', type: 'varchar', length: '64' },
          { name: 'max_size', type: 'integer' },
          { name: 'date_created', type: timestamp, default: now },
          { name: 'date_updated', type: timestamp, default: now },
        ],
      }),
    );
    await queryRunner.createIndex(
      'queues',
      new TableIndex({
        name: 'idx_queues_account_name',
        columnNames: ['account_sid', 'friendly_name'],
        isUnique: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('queues');
  }
}
