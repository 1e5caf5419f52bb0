import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Bearer tokens of the PBX APIs (PortSIP's OAuth password grant), stored as hashes. */
export class AccessTokens1764700000200 implements MigrationInterface {
  name = 'AccessTokens1764700000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const now = postgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    await queryRunner.createTable(
      new Table({
        name: 'access_tokens',
        columns: [
          { name: 'access_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'refresh_hash', type: 'varchar', length: '64' },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'access_expires_at', type: timestamp },
          { name: 'refresh_expires_at', type: timestamp },
          { name: 'date_created', type: timestamp, default: now },
        ],
      }),
    );
    await queryRunner.createIndex(
      'access_tokens',
      new TableIndex({ name: 'idx_access_tokens_refresh', columnNames: ['refresh_hash'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('access_tokens');
  }
}
