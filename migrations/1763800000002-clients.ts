import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Clients: SIP users that register with the platform (`<Client>`). */
export class Clients1763800000002 implements MigrationInterface {
  name = 'Clients1763800000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const now = postgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    await queryRunner.createTable(
      new Table({
        name: 'clients',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'login', type: 'varchar', length: '64' },
          { name: 'password_ha1', type: 'varchar', length: '32' },
          { name: 'friendly_name', type: 'varchar', length: '255' },
          { name: 'voice_url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'voice_method', type: 'varchar', length: '4', default: "'POST'" },
          { name: 'status', type: 'varchar', length: '16', default: "'active'" },
          { name: 'api_version', type: 'varchar', length: '16' },
          { name: 'date_created', type: timestamp, default: now },
          { name: 'date_updated', type: timestamp, default: now },
        ],
      }),
    );
    // The login names the Asterisk endpoint a phone registers to: unique across the platform.
    await queryRunner.createIndex(
      'clients',
      new TableIndex({ name: 'uq_clients_login', columnNames: ['login'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'clients',
      new TableIndex({
        name: 'idx_clients_account_created',
        columnNames: ['account_sid', 'date_created', 'sid'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('clients');
  }
}
