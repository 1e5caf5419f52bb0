/**
 * The benchmark's direct connection, on SQLite (a file) or PostgreSQL (a database of its own on the
 * private server of postgres/stack.sh, or on POSTGRES_TEST_URL's), so the same cases run on both.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import sqlite3 from 'sqlite3';

export type Engine = 'sqlite' | 'postgres';

export interface BenchDb {
  engine: Engine;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function openSqlite(file: string): Promise<BenchDb> {
  return new Promise((ok, fail) => {
    const db = new sqlite3.Database(file, (error) => {
      if (error) return fail(error);
      ok({
        engine: 'sqlite',
        all: <T>(sql: string, params: unknown[] = []) =>
          new Promise<T[]>((done, failed) =>
            db.all(sql, params, (e, rows) => (e ? failed(e) : done(rows as T[]))),
          ),
        close: () => new Promise<void>((done) => db.close(() => done())),
      });
    });
  });
}

export async function openPostgres(url: string): Promise<BenchDb> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    engine: 'postgres',
    all: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
    close: () => client.end(),
  };
}

const ROOT = resolve(__dirname, '..', '..');
const stack = (...args: string[]) =>
  execFileSync('bash', [join(ROOT, 'postgres', 'stack.sh'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CALLWRIGHT_PG_FAST: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();

/** A fresh database for one run; `drop` removes it and stops the server if this run started it. */
export async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  let startedHere = false;
  let admin = process.env.POSTGRES_TEST_URL;
  if (!admin) {
    try {
      stack('status');
    } catch {
      startedHere = true;
    }
    stack('start');
    admin = stack('url', 'postgres');
  }
  const name = 'cw_bench_' + randomBytes(4).toString('hex');
  const adminDb = await openPostgres(admin);
  await adminDb.all(`CREATE DATABASE ${name}`);
  await adminDb.close();
  const url = new URL(admin);
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    drop: async () => {
      const db = await openPostgres(admin);
      await db.all(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await db.close();
      if (startedHere) stack('stop');
    },
  };
}

/** Deterministic pseudo-random numbers, so runs are comparable. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A timestamp as TypeORM stores it in SQLite. */
export const sqliteTime = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return iso.slice(0, 10) + ' ' + iso.slice(11, 23);
};
