import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  NO_LOAD,
  type AccountLoad,
  type AccountLoadSource,
  type SharedAccountLoad,
} from './shared-account-load.port';
import type { AppConfig } from '../config/app-config';
import { AccountLoadBoard, LOAD_EXPIRY_MS, type LoadReport } from './account-load-board';

export const LOAD_CHANNEL = 'callwright_account_load';
/** application_name of a node's load connection: how the others tell it is alive. */
const APPLICATION_PREFIX = 'cw-load ';
export const HEARTBEAT_MS = 2000;
/** NOTIFY payloads stop at 8000 bytes; a report is under 60. */
const REPORTS_PER_MESSAGE = 100;

type Message =
  | { node: string; reports: LoadReport[] }
  | { node: string; hello: true }
  | { node: string; bye: true }
  | { node: string; limits: string };

/** Milliseconds since the epoch by the database's clock: every node then paces by the same clock. */
const DB_NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)`;
const CLAIM_SLOT = `
  INSERT INTO account_dispatch_slots (account_sid, next_slot_at) VALUES ($1, ${DB_NOW_MS} + $2::float8)
  ON CONFLICT (account_sid) DO UPDATE
    SET next_slot_at = GREATEST(account_dispatch_slots.next_slot_at, ${DB_NOW_MS}) + $2::float8
  RETURNING next_slot_at - $2::float8 - ${DB_NOW_MS} AS wait_ms`;

/**
 * The account limits across several nodes on one PostgreSQL. Each node tells the others its live and
 * waiting calls per account through LISTEN/NOTIFY (on change, coalesced, and every HEARTBEAT_MS), and
 * counts theirs with its own when it admits or dials a call. Dialing slots (the `cps` pace) are taken
 * from one row per account with a single atomic statement, so two nodes never dial in the same slot.
 * Counts travel in a millisecond or two: two nodes admitting the same account's last free call at the
 * very same moment can both take it; the pace has no such window.
 */
export class PgAccountLoad implements SharedAccountLoad {
  private readonly logger = new Logger('AccountLoad');
  private readonly board: AccountLoadBoard;
  private readonly dirty = new Set<string>();
  private client: Client | null = null;
  private source: AccountLoadSource | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: NodeJS.Immediate | null = null;
  private queries: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly databaseUrl: string,
    readonly node: string = randomUUID(),
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {
    // Two heartbeats may be missed (a busy event loop) before a node's counts are dropped.
    this.board = new AccountLoadBoard(LOAD_EXPIRY_MS * (heartbeatMs / HEARTBEAT_MS));
  }

  async attach(source: AccountLoadSource): Promise<void> {
    this.source = source;
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: `${APPLICATION_PREFIX}${this.node}`,
    });
    client.on('error', (error) => this.logger.warn(`Load connection failed: ${error.message}`));
    client.on('notification', (note) => {
      if (note.channel === LOAD_CHANNEL && note.payload) this.received(note.payload);
    });
    await client.connect();
    this.client = client;
    await this.query(`LISTEN ${LOAD_CHANNEL}`);
    this.send({ node: this.node, hello: true });
    this.heartbeat();
    this.timer = setInterval(() => this.heartbeat(), this.heartbeatMs);
    this.timer.unref();
  }

  elsewhere(accountSid: string): AccountLoad {
    return this.board.elsewhere(accountSid);
  }

  touched(accountSid: string): void {
    this.dirty.add(accountSid);
    this.flushing ??= setImmediate(() => {
      this.flushing = null;
      const accounts = [...this.dirty];
      this.dirty.clear();
      this.tell(accounts);
    });
  }

  announceLimits(accountSid: string): void {
    this.send({ node: this.node, limits: accountSid });
  }

  async claimSlot(accountSid: string, intervalMs: number): Promise<number> {
    const result = (await this.query(CLAIM_SLOT, [accountSid, intervalMs])) as {
      rows: { wait_ms: number }[];
    };
    return Math.max(0, Number(result.rows[0].wait_ms));
  }

  async nodeAlive(node: string): Promise<boolean> {
    const result = (await this.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [
      `${APPLICATION_PREFIX}${node}`,
    ])) as { rowCount: number | null };
    return (result.rowCount ?? 0) > 0;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.flushing) clearImmediate(this.flushing);
    this.timer = null;
    const client = this.client;
    if (!client) return;
    this.send({ node: this.node, bye: true });
    await this.queries.catch(() => undefined);
    this.client = null;
    await client.end().catch(() => undefined);
  }

  private heartbeat(): void {
    if (!this.source) return;
    this.tell([...this.source.busyAccounts()]);
    for (const accountSid of this.board.expire(Date.now())) this.source.changedElsewhere(accountSid);
  }

  /** Tells the others this node's load of the accounts; an empty list still says this node is alive. */
  private tell(accounts: string[]): void {
    const source = this.source;
    if (!source) return;
    const reports = accounts.map((accountSid): LoadReport => {
      const { live, waiting } = source.loadOf(accountSid) ?? NO_LOAD;
      return [accountSid, live, waiting];
    });
    for (let i = 0; i < reports.length; i += REPORTS_PER_MESSAGE)
      this.send({ node: this.node, reports: reports.slice(i, i + REPORTS_PER_MESSAGE) });
  }

  private received(payload: string): void {
    let message: Message;
    try {
      message = JSON.parse(payload) as Message;
    } catch {
      return;
    }
    const source = this.source;
    if (!source || message.node === this.node) return;
    let changed: string[] = [];
    if ('reports' in message) changed = this.board.record(message.node, message.reports, Date.now());
    else if ('bye' in message) changed = this.board.forget(message.node);
    else if ('limits' in message) source.limitsChangedElsewhere(message.limits);
    // A node that has just started hears everyone's counts at once, not at their next heartbeat.
    else if ('hello' in message) this.tell([...source.busyAccounts()]);
    for (const accountSid of changed) source.changedElsewhere(accountSid);
  }

  private send(message: Message): void {
    this.query('SELECT pg_notify($1, $2)', [LOAD_CHANNEL, JSON.stringify(message)]).catch((error) =>
      this.logger.warn(`Telling the other nodes failed: ${error}`),
    );
  }

  /** One query at a time on the connection (pg queues them, but warns about concurrent use). */
  private query(text: string, values?: unknown[]): Promise<unknown> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('the load connection is closed'));
    const run = this.queries.then(
      () => client.query(text, values),
      () => client.query(text, values),
    );
    this.queries = run.catch(() => undefined);
    return run;
  }
}

/** On PostgreSQL several nodes may share the database, and with it every account's limits. */
export function sharedAccountLoadFor(config: AppConfig): SharedAccountLoad | null {
  if (config.databaseType !== 'postgres' || !config.databaseUrl) return null;
  return new PgAccountLoad(config.databaseUrl);
}
