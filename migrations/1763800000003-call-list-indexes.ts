import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for `GET /Calls` (CallListingService). Every list query is `account_sid = ?` plus optional
 * filters, ordered `date_created DESC, sid DESC`; the existing idx_calls_account_created
 * (account_sid, date_created, sid) serves the unfiltered list and the keyset continuation. Each
 * equality filter gets (account_sid, <filter>, date_created, sid), so its page is read in order and
 * its count is index-only; the time ranges get (account_sid, [status,] <time>, date_created, sid),
 * index-only for the count and for picking the page's sids. Checked with EXPLAIN QUERY PLAN on a
 * million calls (bench/calls-bench.ts).
 */
const INDEXES: Array<[string, string[]]> = [
  ['idx_calls_account_to', ['account_sid', 'to', 'date_created', 'sid']],
  ['idx_calls_account_from', ['account_sid', 'from', 'date_created', 'sid']],
  ['idx_calls_account_status', ['account_sid', 'status', 'date_created', 'sid']],
  ['idx_calls_account_parent', ['account_sid', 'parent_call_sid', 'date_created', 'sid']],
  ['idx_calls_account_start', ['account_sid', 'start_time', 'date_created', 'sid']],
  ['idx_calls_account_status_start', ['account_sid', 'status', 'start_time', 'date_created', 'sid']],
  ['idx_calls_account_end', ['account_sid', 'end_time', 'date_created', 'sid']],
];

export class CallListIndexes1763800000003 implements MigrationInterface {
  name = 'CallListIndexes1763800000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, columnNames] of INDEXES)
      await queryRunner.createIndex('calls', new TableIndex({ name, columnNames }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name] of [...INDEXES].reverse()) await queryRunner.dropIndex('calls', name);
  }
}
