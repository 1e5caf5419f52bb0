import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Per-account call limits: calls per second, concurrent calls, calls waiting to be dialed. */
export class AccountLimits1764600000300 implements MigrationInterface {
  name = 'AccountLimits1764600000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('accounts', [
      new TableColumn({ name: 'cps', type: 'integer', default: 10 }),
      new TableColumn({ name: 'max_concurrent_calls', type: 'integer', default: 200 }),
      new TableColumn({ name: 'max_queued_calls', type: 'integer', default: 1000 }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('accounts', 'max_queued_calls');
    await queryRunner.dropColumn('accounts', 'max_concurrent_calls');
    await queryRunner.dropColumn('accounts', 'cps');
  }
}
