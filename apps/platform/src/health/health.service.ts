import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';

export type Check = 'up' | 'down';

export interface Readiness {
  ready: boolean;
  database: Check;
  ari: Check;
}

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

  async database(): Promise<Check> {
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

  ari(): Check {
    return this.gateway.isConnected() ? 'up' : 'down';
  }

  async readiness(): Promise<Readiness> {
    const database = await this.database();
    const ari = this.ari();
    return { ready: database === 'up' && ari === 'up', database, ari };
  }
}
