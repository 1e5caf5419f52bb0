import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Secrets the platform nodes on one database share without being configured with them: the first node
 * to need one writes a random value, the others read it (cluster/cluster-secret.ts). Created on SQLite
 * too, where one node has no one to share it with.
 */
export class ClusterSecrets1766900000100 implements MigrationInterface {
  name = 'ClusterSecrets1766900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'cluster_secrets',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'varchar', length: '128' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('cluster_secrets');
  }
}
