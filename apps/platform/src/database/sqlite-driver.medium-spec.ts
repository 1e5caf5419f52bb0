import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, QueryFailedError } from 'typeorm';
import { usesPostgres } from '../../../../test/support/postgres-database';
import { dataSourceOptions } from './data-source-options';

/** The platform's SQLite connection, as database.module opens it (SQLite only). */
(usesPostgres() ? describe.skip : describe)('SQLite connection settings', () => {
  let dataSource: DataSource;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callwright-sqlite-'));
    dataSource = new DataSource(
      dataSourceOptions({ databaseType: 'sqlite', databasePath: join(dir, 'callwright.sqlite') }),
    );
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const pragma = async (name: string) => Object.values((await dataSource.query(`PRAGMA ${name}`))[0])[0];

  it('runs in WAL mode with synchronous=NORMAL, a busy timeout and foreign keys on', async () => {
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1); // NORMAL
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(await pragma('foreign_keys')).toBe(1);
  });

  it("has no verbose() stack-trace wrapper around statements (sqlite3's trace adds '--> in Database#')", async () => {
    const failure = await dataSource.query('SELECT * FROM no_such_table').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    const driverError = (failure as QueryFailedError).driverError as Error;
    expect(driverError.message).toMatch(/no such table/);
    expect(driverError.stack).not.toContain('--> in Database#');
  });

  it('still stores and reads back through TypeORM (migrations applied on the same connection)', async () => {
    await dataSource.runMigrations();
    const tables = await dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'calls'");
    expect(tables).toHaveLength(1);
  });
});
