import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Bearer grants may act for one extension of the account (an agent) rather than the whole account. */
export class ExtensionTokens1764900000200 implements MigrationInterface {
  name = 'ExtensionTokens1764900000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'access_tokens',
      new TableColumn({ name: 'extension_number', type: 'varchar', length: '10', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('access_tokens', 'extension_number');
  }
}
