import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Each call names the Asterisk server that hosts it (ASTERISK_SERVERS). Calls stored before there were
 * several servers were all on the one server, which the ARI_* shorthand names `default`.
 */
export class CallAsteriskServer1766400000100 implements MigrationInterface {
  name = 'CallAsteriskServer1766400000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'calls',
      new TableColumn({ name: 'asterisk_server', type: 'varchar', length: '64', isNullable: true }),
    );
    await queryRunner.query(`UPDATE calls SET asterisk_server = 'default' WHERE channel_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('calls', 'asterisk_server');
  }
}
