import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Calls keep the answering machine detection they were created with (Twilio's MachineDetection). */
export class CallMachineDetection1765200000200 implements MigrationInterface {
  name = 'CallMachineDetection1765200000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'calls',
      new TableColumn({ name: 'machine_detection', type: 'varchar', length: '2048', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('calls', 'machine_detection');
  }
}
