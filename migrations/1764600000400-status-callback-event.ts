import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Calls remember which progress events (Twilio's StatusCallbackEvent) their StatusCallback wants. */
export class StatusCallbackEvent1764600000400 implements MigrationInterface {
  name = 'StatusCallbackEvent1764600000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'calls',
      new TableColumn({ name: 'status_callback_event', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('calls', 'status_callback_event');
  }
}
