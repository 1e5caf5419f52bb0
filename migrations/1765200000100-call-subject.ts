import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Calls keep the SIP Subject their first INVITE carried (sipX call controller `subject`). */
export class CallSubject1765200000100 implements MigrationInterface {
  name = 'CallSubject1765200000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'calls',
      new TableColumn({ name: 'subject', type: 'varchar', length: '256', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('calls', 'subject');
  }
}
