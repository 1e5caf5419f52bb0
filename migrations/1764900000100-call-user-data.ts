import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Calls keep the data the application that set them up passed along (PortSIP `user_data`). */
export class CallUserData1764900000100 implements MigrationInterface {
  name = 'CallUserData1764900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'calls',
      new TableColumn({ name: 'user_data', type: 'varchar', length: '1024', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('calls', 'user_data');
  }
}
