import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The sipX-style callcontroller: an extension's PIN (as Digest HA1s, MD5 and SHA-256) and its agent permission. */
export class ExtensionCallcontrollerPin1765100000100 implements MigrationInterface {
  name = 'ExtensionCallcontrollerPin1765100000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('extensions', [
      new TableColumn({ name: 'pin_ha1_md5', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'pin_ha1_sha256', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'call_controller_agent', type: 'boolean', default: false }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('extensions', 'call_controller_agent');
    await queryRunner.dropColumn('extensions', 'pin_ha1_sha256');
    await queryRunner.dropColumn('extensions', 'pin_ha1_md5');
  }
}
