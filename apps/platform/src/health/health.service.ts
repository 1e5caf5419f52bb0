import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';

export type Check = 'up' | 'down';

/** The connection pool of a PostgreSQL database (node-postgres's Pool, TypeORM's driver master). */
export interface PoolState {
  status: Check;
  total: number;
  idle: number;
  waiting: number;
}

export interface Readiness {
  ready: boolean;
  database: Check;
  ari: Check;
  /** PostgreSQL only: requests waiting with every connection of the pool taken is not ready. */
  pool?: PoolState;
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/** node-postgres's default pool size, when TypeORM was given none. */
const PG_DEFAULT_POOL_MAX = 10;

/** A database that does not answer within this is as good as down for a readiness probe. */
const DATABASE_CHECK_TIMEOUT_MS = 2000;

/**
 * What the probes report: liveness is the process answering at all (a restart is the cure for anything
 * else); readiness is whether a request could be served now, its database and Asterisk both reachable.
 */
@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: TelephonyGateway,
  ) {}

  uptimeSeconds(): number {
    return Math.floor((Date.now() - this.startedAt) / 1000);
  }

  private async database(): Promise<Check> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Check>((resolve) => {
      timer = setTimeout(() => resolve('down'), DATABASE_CHECK_TIMEOUT_MS);
    });
    const query = this.dataSource.query('SELECT 1').then(
      (): Check => 'up',
      (): Check => 'down',
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private ari(): Check {
    return this.gateway.isConnected() ? 'up' : 'down';
  }

  async readiness(): Promise<Readiness> {
    const database = await this.database();
    const ari = this.ari();
    const pool = this.pool();
    const ready = database === 'up' && ari === 'up' && (pool?.status ?? 'up') === 'up';
    return { ready, database, ari, ...(pool ? { pool } : {}) };
  }

  private pool(): PoolState | undefined {
    if (this.dataSource.options.type !== 'postgres') return undefined;
    const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
    if (!pool) return { status: 'down', total: 0, idle: 0, waiting: 0 };
    const max = pool.options?.max ?? PG_DEFAULT_POOL_MAX;
    const exhausted = pool.waitingCount > 0 && pool.idleCount === 0 && pool.totalCount >= max;
    return {
      status: exhausted ? 'down' : 'up',
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    };
  }
}
