import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SqlDialect } from '../../calls/call-listing.service';
import { buildStatsSql, FINAL_STATUSES, type FinalStatus, percentile } from './console-stats-sql';

export type MinuteCounts = { minute: string } & Record<FinalStatus, number>;

export interface LatencyBucket {
  bucket: string;
  bucketMinutes: number;
  count: number;
  p50Ms: number;
  p95Ms: number;
}

export interface ConsoleStatsDto {
  from: string;
  to: string;
  hours: number;
  callsPerMinute: MinuteCounts[];
  totals: { calls: number; answered: number; asr: number | null; averageDurationSeconds: number | null };
  webhookLatency: LatencyBucket[];
}

/** Latency buckets: about 60 per chart whatever the window (5 minutes for 6 hours). */
const bucketMinutesFor = (hours: number) => Math.max(1, Math.round((hours * 60) / 72 / 5) * 5 || 1);

const emptyMinute = (minute: string): MinuteCounts =>
  ({ minute, ...Object.fromEntries(FINAL_STATUSES.map((status) => [status, 0])) }) as MinuteCounts;

/**
 * The console's charts from the database: finished calls per minute by final status, the
 * answer-seizure ratio (answered, i.e. completed, over all finished calls), the average duration of
 * answered calls, and webhook latency percentiles from the call event log. Calls count in the minute
 * they were created.
 */
@Injectable()
export class ConsoleStatsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private get dialect(): SqlDialect {
    return this.db.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  async stats(accountSid: string, hours: number, now = new Date()): Promise<ConsoleStatsDto> {
    const from = new Date(now.getTime() - hours * 3600 * 1000);
    const sql = buildStatsSql(this.dialect, accountSid, from);
    const [perMinute, durations, latencies] = await Promise.all([
      this.db.query<Array<{ minute: string; status: FinalStatus; n: string | number }>>(
        sql.perMinute.sql,
        sql.perMinute.params,
      ),
      this.db.query<Array<{ n: string | number; average: string | number | null }>>(
        sql.durations.sql,
        sql.durations.params,
      ),
      this.db.query<Array<{ at: string | Date; latency_ms: number | string | null }>>(
        sql.latencies.sql,
        sql.latencies.params,
      ),
    ]);
    const minutes = new Map<string, MinuteCounts>();
    let calls = 0;
    for (const row of perMinute) {
      const minute = `${row.minute.replace(' ', 'T')}:00.000Z`;
      const counts = minutes.get(minute) ?? emptyMinute(minute);
      counts[row.status] += Number(row.n);
      calls += Number(row.n);
      minutes.set(minute, counts);
    }
    const answered = Number(durations[0]?.n ?? 0);
    const average = durations[0]?.average;
    return {
      from: from.toISOString(),
      to: now.toISOString(),
      hours,
      callsPerMinute: [...minutes.values()],
      totals: {
        calls,
        answered,
        asr: calls > 0 ? answered / calls : null,
        averageDurationSeconds:
          average === null || average === undefined ? null : Number(Number(average).toFixed(1)),
      },
      webhookLatency: this.latencyBuckets(latencies, from, bucketMinutesFor(hours)),
    };
  }

  private latencyBuckets(
    rows: Array<{ at: string | Date; latency_ms: number | string | null }>,
    from: Date,
    bucketMinutes: number,
  ): LatencyBucket[] {
    const size = bucketMinutes * 60 * 1000;
    const origin = Math.floor(from.getTime() / size) * size;
    const buckets = new Map<number, number[]>();
    for (const row of rows) {
      if (row.latency_ms === null) continue;
      const at = row.at instanceof Date ? row.at.getTime() : Date.parse(`${row.at.replace(' ', 'T')}Z`);
      const start = origin + Math.floor((at - origin) / size) * size;
      const values = buckets.get(start) ?? [];
      values.push(Number(row.latency_ms));
      buckets.set(start, values);
    }
    return [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, values]) => {
        values.sort((a, b) => a - b);
        return {
          bucket: new Date(start).toISOString(),
          bucketMinutes,
          count: values.length,
          p50Ms: percentile(values, 0.5),
          p95Ms: percentile(values, 0.95),
        };
      });
  }
}
