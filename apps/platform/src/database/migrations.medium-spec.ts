import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase, usesPostgres } from '../../../../test/support/postgres-database';
import { MIGRATIONS } from '../../../../migrations';
import { dataSourceOptions } from './data-source-options';

/**
 * Every migration, up and down and up again, on the engine of the project that runs this file: SQLite
 * in `medium`, PostgreSQL in `medium-postgres` (DATABASE_TYPE=postgres, a fresh database). After the
 * migrations every column of every entity is in its table (the entities declare no indexes, so
 * TypeORM's own schema diff is no measure here).
 */
describe(`Migrations on ${usesPostgres() ? 'PostgreSQL' : 'SQLite'}`, () => {
  let dataSource: DataSource;
  let database: TestDatabase | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    if (usesPostgres()) database = await createTestDatabase();
    else dir = mkdtempSync(join(tmpdir(), 'callwright-migrations-'));
    dataSource = new DataSource(
      dataSourceOptions({
        databaseType: usesPostgres() ? 'postgres' : 'sqlite',
        databasePath: join(dir ?? tmpdir(), 'callwright.sqlite'),
        databaseUrl: database?.url,
      }),
    );
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The entities' tables that exist. */
  const tables = async () => {
    const runner = dataSource.createQueryRunner();
    try {
      const present: string[] = [];
      for (const entity of dataSource.entityMetadatas)
        if (await runner.hasTable(entity.tableName)) present.push(entity.tableName);
      return present;
    } finally {
      await runner.release();
    }
  };

  /** `table.column` of each entity column that the migrated schema lacks. */
  const missingColumns = async () => {
    const runner = dataSource.createQueryRunner();
    try {
      const missing: string[] = [];
      for (const entity of dataSource.entityMetadatas) {
        const table = await runner.getTable(entity.tableName);
        const have = new Set(table?.columns.map((column) => column.name) ?? []);
        for (const column of entity.columns)
          if (!have.has(column.databaseName)) missing.push(`${entity.tableName}.${column.databaseName}`);
      }
      return missing;
    } finally {
      await runner.release();
    }
  };

  it('applies every migration, and then every entity column exists', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((migration) => migration.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'accounts',
        'calls',
        'notifications',
        'recordings',
        'extensions',
        'rc_subscriptions',
      ]),
    );
    expect(await missingColumns()).toEqual([]);
  });

  it('reverts every migration, newest first, down to no table at all', async () => {
    for (let left = MIGRATIONS.length; left > 0; left--)
      await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await dataSource.showMigrations()).toBe(true);
    expect(await tables()).toEqual([]);
  });

  it('applies them all again after the revert', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect(await missingColumns()).toEqual([]);
  });
});
