import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * `last_seen`: refreshed every few seconds while the platform watches a live call, so a call whose
 * channel vanished while no platform ran gets an end time close to the truth at the next start.
 */
export class CallHeartbeat1764600000600 implements MigrationInterface {
  name = 'CallHeartbeat1764600000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.addColumn(
      'calls',
      new TableColumn({ name: 'last_seen', type: timestamp, isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('calls', 'last_seen');
  }
}
