import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The platform process that queued an outbound call (several nodes; see CallEntity.queuedBy). */
export class CallQueuedBy1766800000200 implements MigrationInterface {
  name = 'CallQueuedBy1766800000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'calls',
      new TableColumn({ name: 'queued_by', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('calls', 'queued_by');
  }
}
