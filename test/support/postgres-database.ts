import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The postgres test projects (jest.config.js) run the database-facing suites with
 * DATABASE_TYPE=postgres: every platform a test boots gets a database of its own, created through
 * POSTGRES_TEST_URL (the private server `npm test` starts, postgres/stack.sh) and dropped after.
 */
export function usesPostgres(): boolean {
  return process.env.DATABASE_TYPE === 'postgres';
}

function adminUrl(): string {
  const url = process.env.POSTGRES_TEST_URL;
  if (!url)
    throw new Error(
      'DATABASE_TYPE=postgres tests need POSTGRES_TEST_URL (npm test starts PostgreSQL and sets it)',
    );
  return url;
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = 'cw_test_' + randomBytes(6).toString('hex');
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl());
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
