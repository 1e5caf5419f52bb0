import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** Advisory-lock namespace (first key) of the Asterisk server locks: "CW". */
const LOCK_SPACE = 0x4357;
/** application_name of a node's lock connection: how other nodes find the owner's address. */
const APPLICATION_PREFIX = 'cw-node ';
export const CLAIM_POLL_MS = 1000;
/**
 * For this long after it starts, a node that holds a server leaves the other free servers to nodes that
 * hold none (nodes started together spread the servers); after that it takes any free server at once.
 */
export const BOOT_SPREAD_MS = 10_000;

/** The second lock key of a server: 31 bits of its name's hash (pg_locks shows it as an oid). */
export function serverLockKey(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) & 0x7fffffff;
}

/** Nest token of the node's ServerClaims: null with one node (SQLite). */
export const SERVER_CLAIMS = Symbol('ServerClaims');

/** Which node holds each Asterisk server's events: what the gateway and the request forwarding ask. */
export interface ServerClaims {
  /** Claims free servers now and from then on; `acquired` is called once per server this node takes. */
  start(servers: string[], acquired: (server: string) => void): Promise<void>;
  holds(server: string): boolean;
  /** The API address of the node that holds the server, null when none does (or this one does). */
  holderUrl(server: string): Promise<string | null>;
  /** The API addresses of the other nodes that hold a server (only they can hold live calls). */
  otherNodes(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Server ownership through PostgreSQL session advisory locks, one dedicated connection per node: a
 * node holds a server while it holds `pg_try_advisory_lock(LOCK_SPACE, key(server))`. A node that dies
 * (kill -9 included) loses its connection and with it its locks at once; the others poll the free
 * servers every CLAIM_POLL_MS and take them over. The holder's address is the lock connection's
 * application_name, read from pg_locks/pg_stat_activity: no table, nothing stale to clean up.
 */
export class PgServerLocks implements ServerClaims {
  private readonly logger = new Logger('ServerLocks');
  private readonly held = new Set<string>();
  private startedAt = 0;
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private claiming: Promise<void> | null = null;
  /** One query at a time on the lock connection (pg queues them, but warns about concurrent use). */
  private queries: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly databaseUrl: string,
    private readonly nodeUrl: string,
    /** Called when the lock connection is lost: this node can no longer say it holds anything. */
    private readonly lost: (error: unknown) => void,
    private readonly bootSpreadMs = BOOT_SPREAD_MS,
  ) {}

  async start(servers: string[], acquired: (server: string) => void): Promise<void> {
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: `${APPLICATION_PREFIX}${this.nodeUrl}`,
    });
    client.on('error', (error) => this.connectionLost(error));
    client.on('end', () => this.connectionLost(new Error('lock connection closed')));
    await client.connect();
    this.client = client;
    this.startedAt = Date.now();
    const claim = () =>
      (this.claiming ??= this.claim(servers, acquired).finally(() => (this.claiming = null)));
    await claim();
    this.timer = setInterval(() => void claim(), CLAIM_POLL_MS);
    this.timer.unref();
  }

  holds(server: string): boolean {
    return this.held.has(server);
  }

  async holderUrl(server: string): Promise<string | null> {
    if (this.held.has(server) || !this.client) return null;
    const client = this.client;
    const rows = await this.serially(() =>
      client.query<{ application_name: string }>(
        `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [LOCK_SPACE, serverLockKey(server)],
      ),
    );
    const name = rows.rows[0]?.application_name;
    return name?.startsWith(APPLICATION_PREFIX) ? name.slice(APPLICATION_PREFIX.length) : null;
  }

  async otherNodes(): Promise<string[]> {
    if (!this.client) return [];
    const client = this.client;
    const rows = await this.serially(() =>
      client.query<{ application_name: string }>(
        `SELECT DISTINCT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objsubid = 2
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND a.pid <> pg_backend_pid() ORDER BY a.application_name`,
        [LOCK_SPACE],
      ),
    );
    return rows.rows
      .map((row) => row.application_name)
      .filter((name) => name.startsWith(APPLICATION_PREFIX))
      .map((name) => name.slice(APPLICATION_PREFIX.length));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.claiming?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async claim(servers: string[], acquired: (server: string) => void): Promise<void> {
    const client = this.client;
    if (!client || this.stopping) return;
    const spreading = Date.now() - this.startedAt < this.bootSpreadMs;
    for (const server of servers) {
      if (this.held.has(server)) continue;
      if (spreading && this.held.size > 0) return;
      try {
        const result = await this.serially(() =>
          client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
            LOCK_SPACE,
            serverLockKey(server),
          ]),
        );
        if (!result.rows[0]?.locked) continue;
      } catch (error) {
        this.logger.warn(`Claiming Asterisk server ${server} failed: ${error}`);
        return;
      }
      if (this.stopping) return;
      this.held.add(server);
      this.logger.log(`This node holds Asterisk server ${server}`);
      acquired(server);
    }
  }

  private serially<T>(query: () => Promise<T>): Promise<T> {
    const next = this.queries.then(query, query);
    this.queries = next.catch(() => undefined);
    return next;
  }

  private connectionLost(error: unknown): void {
    if (this.stopping || !this.client) return;
    this.client = null;
    this.held.clear();
    if (this.timer) clearInterval(this.timer);
    this.lost(error);
  }
}
