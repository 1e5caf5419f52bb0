import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Accounts get a settable SIP domain (null: the default derived from the sid), and Extensions: PBX
 * SIP users numbered within their account, registering as `<extension>@<domain>`.
 */
export class SipDomainsAndExtensions1764800000500 implements MigrationInterface {
  name = 'SipDomainsAndExtensions1764800000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const now = postgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    await queryRunner.addColumn(
      'accounts',
      new TableColumn({ name: 'sip_domain', type: 'varchar', length: '253', isNullable: true }),
    );
    // The domain names the tenant of a registering phone: one account per domain.
    await queryRunner.createIndex(
      'accounts',
      new TableIndex({ name: 'uq_accounts_sip_domain', columnNames: ['sip_domain'], isUnique: true }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'extensions',
        columns: [
          { name: 'sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'extension_number', type: 'varchar', length: '10' },
          { name: 'password_ha1', type: 'varchar', length: '32' },
          { name: 'display_name', type: 'varchar', length: '255' },
          { name: 'outbound_caller_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'api_version', type: 'varchar', length: '16' },
          { name: 'date_created', type: timestamp, default: now },
          { name: 'date_updated', type: timestamp, default: now },
        ],
      }),
    );
    await queryRunner.createIndex(
      'extensions',
      new TableIndex({
        name: 'uq_extensions_account_number',
        columnNames: ['account_sid', 'extension_number'],
        isUnique: true,
      }),
    );
    await queryRunner.createIndex(
      'extensions',
      new TableIndex({
        name: 'idx_extensions_account_created',
        columnNames: ['account_sid', 'date_created', 'sid'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('extensions');
    await queryRunner.dropIndex('accounts', 'uq_accounts_sip_domain');
    await queryRunner.dropColumn('accounts', 'sip_domain');
  }
}
