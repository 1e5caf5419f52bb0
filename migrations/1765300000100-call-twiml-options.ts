import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Calls keep their inline document (Twilio's `Twiml`) and the options of their creation that act
 * once they are answered (SendDigits, TimeLimit, Record and its callbacks), as JSON.
 */
export class CallTwimlOptions1765300000100 implements MigrationInterface {
  name = 'CallTwimlOptions1765300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('calls', [
      new TableColumn({ name: 'twiml', type: 'text', isNullable: true }),
      new TableColumn({ name: 'call_options', type: 'varchar', length: '2048', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('calls', 'call_options');
    await queryRunner.dropColumn('calls', 'twiml');
  }
}
