import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The web console (issue 17): its sign-in sessions, the per-call event log its timelines, live view and
 * charts read (status changes, party and transfer changes, webhook requests), and an index for the
 * call log's search by SIP Call-ID.
 */
/** idx_calls_account_status as migration 1763800000003 made it. */
const STATUS_INDEX = ['account_sid', 'status', 'date_created', 'sid'];

export class Console1766500000100 implements MigrationInterface {
  name = 'Console1766500000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const now = postgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    await queryRunner.createTable(
      new Table({
        name: 'console_sessions',
        columns: [
          // SHA-256 of the cookie's random id: a read of the table does not yield usable cookies.
          { name: 'id_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_sid', type: 'varchar', length: '34' },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'credential', type: 'varchar', length: '16' },
          { name: 'api_key_sid', type: 'varchar', length: '34', isNullable: true },
          { name: 'csrf_token', type: 'varchar', length: '64' },
          { name: 'expires_at', type: timestamp },
          { name: 'date_created', type: timestamp, default: now },
        ],
      }),
    );
    await queryRunner.createIndex(
      'console_sessions',
      new TableIndex({ name: 'idx_console_sessions_expires', columnNames: ['expires_at'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'call_events',
        columns: [
          {
            name: 'id',
            type: postgres ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'call_sid', type: 'varchar', length: '34' },
          { name: 'account_sid', type: 'varchar', length: '34' },
          { name: 'at', type: timestamp },
          { name: 'sequence', type: 'integer', isNullable: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'type', type: 'varchar', length: '32' },
          /** Webhook latency in milliseconds, a column of its own so percentiles need no JSON parsing. */
          { name: 'latency_ms', type: 'real', isNullable: true },
          { name: 'data', type: 'text' },
        ],
      }),
    );
    const indexes: Array<[string, string[]]> = [
      ['idx_call_events_call', ['call_sid', 'at']],
      ['idx_call_events_account_kind', ['account_sid', 'kind', 'at', 'latency_ms']],
      ['idx_call_events_at', ['at']],
    ];
    for (const [name, columnNames] of indexes)
      await queryRunner.createIndex('call_events', new TableIndex({ name, columnNames }));
    await queryRunner.createIndex(
      'calls',
      new TableIndex({ name: 'idx_calls_sip_call_id', columnNames: ['sip_call_id'] }),
    );
    // The charts' average duration reads `duration` of each completed call in the window: with it at the
    // end of the status index (whose prefix the Calls list keeps using) that read is index-only. Its
    // entry moves at every status change anyway, and the duration is written with the final status.
    await queryRunner.dropIndex('calls', 'idx_calls_account_status');
    await queryRunner.createIndex(
      'calls',
      new TableIndex({ name: 'idx_calls_account_status', columnNames: [...STATUS_INDEX, 'duration'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('calls', 'idx_calls_account_status');
    await queryRunner.createIndex(
      'calls',
      new TableIndex({ name: 'idx_calls_account_status', columnNames: STATUS_INDEX }),
    );
    await queryRunner.dropIndex('calls', 'idx_calls_sip_call_id');
    await queryRunner.dropTable('call_events');
    await queryRunner.dropTable('console_sessions');
  }
}
