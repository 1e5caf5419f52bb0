import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Subaccounts (parent_sid), AuthToken rotation (a secondary token) and API keys (hashed secrets). */
export class SubaccountsAndKeys1764600000100 implements MigrationInterface {
  name = 'SubaccountsAndKeys1764600000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const now = postgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    await queryRunner.addColumns('accounts', [
      new TableColumn({ name: 'parent_sid', type: 'varchar', length: '34', isNullable: true }),
      new TableColumn({ name: 'secondary_auth_token', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'secondary_auth_token_created', type: timestamp, isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'accounts',
      new TableIndex({ name: 'idx_accounts_parent', columnNames: ['parent_sid'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'friendly_name', type: 'varchar', length: '255' },
          // scrypt parameters, salt and derived key in one string: `scrypt$N$r$p$salt$hash`.
          { name: 'secret_hash', type: 'varchar', length: '255' },
          { name: 'date_created', type: timestamp, default: now },
          { name: 'date_updated', type: timestamp, default: now },
        ],
      }),
    );
    await queryRunner.createIndex(
      'api_keys',
      new TableIndex({ name: 'idx_api_keys_account_created', columnNames: ['account_sid', 'date_created'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_keys');
    await queryRunner.dropIndex('accounts', 'idx_accounts_parent');
    await queryRunner.dropColumns('accounts', [
      'parent_sid',
      'secondary_auth_token',
      'secondary_auth_token_created',
    ]);
  }
}
