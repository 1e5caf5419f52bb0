import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Accounts may require HTTP Basic on their recordings' media URLs (Twilio's "Enforce HTTP Auth on
 * Media URLs"); off by default, as on Twilio, so `RecordingUrl + ".mp3"` plays as it is.
 */
export class AccountMediaAuth1765400000100 implements MigrationInterface {
  name = 'AccountMediaAuth1765400000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'accounts',
      new TableColumn({ name: 'enforce_media_auth', type: 'boolean', default: false }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('accounts', 'enforce_media_auth');
  }
}
