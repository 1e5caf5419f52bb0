import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Several nodes on one PostgreSQL dial an account's queued calls at the account's `cps` between them:
 * each dialed call takes the account's next slot from this row (cluster/pg-account-load.ts). The time is
 * the database's clock in ms since the epoch. Created on SQLite too, where one node paces in memory.
 */
export class AccountDispatchSlots1766800000100 implements MigrationInterface {
  name = 'AccountDispatchSlots1766800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'account_dispatch_slots',
        columns: [
          { name: 'account_sid', type: 'varchar', length: '34', isPrimary: true },
          { name: 'next_slot_at', type: 'double precision' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('account_dispatch_slots');
  }
}
