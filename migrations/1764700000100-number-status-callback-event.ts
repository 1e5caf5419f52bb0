import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Numbers say which progress events (StatusCallbackEvent) of their inbound calls go to StatusCallback. */
export class NumberStatusCallbackEvent1764700000100 implements MigrationInterface {
  name = 'NumberStatusCallbackEvent1764700000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'incoming_phone_numbers',
      new TableColumn({ name: 'status_callback_event', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('incoming_phone_numbers', 'status_callback_event');
  }
}
