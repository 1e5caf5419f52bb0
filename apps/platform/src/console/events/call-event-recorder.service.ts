import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { CallEventBus } from '../../call-control/events/call-event-bus';
import type { CallEvent } from '../../call-control/events/call-event';
import { AppConfig } from '../../config/app-config';
import { WebhookClient, type WebhookExchange } from '../../webhooks/webhook-client.service';
import { CallEventEntity, type CallEventKind } from '../call-event.entity';

const FLUSH_MS = 250;
const BATCH_ROWS = 200;
/** Past this many rows waiting (the database is down or far behind), new ones are dropped and counted. */
const MAX_PENDING = 20000;
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
const CALL_SID = /^CA[0-9a-f]{32}$/;

type Row = Omit<CallEventEntity, 'id'>;

/** The stored form of a core event: its kind, its type and its details (the record copy left out). */
export function rowOfEvent(event: CallEvent): Row {
  const { payload } = event;
  const kind: CallEventKind =
    payload.type === 'leg.status'
      ? 'status'
      : payload.type === 'leg.sip-response'
        ? 'sip'
        : payload.type.startsWith('party.')
          ? 'party'
          : payload.type.startsWith('conversation.')
            ? 'conversation'
            : 'transfer';
  const { type, ...details } = payload;
  if ('record' in details) delete details.record;
  return {
    callSid: event.callSid,
    accountSid: event.accountSid,
    at: event.at,
    sequence: event.sequence,
    kind,
    type,
    latencyMs: null,
    data: JSON.stringify(details),
  };
}

export function rowOfExchange(exchange: WebhookExchange & { callSid: string; accountSid: string }): Row {
  return {
    callSid: exchange.callSid,
    accountSid: exchange.accountSid,
    at: exchange.at,
    sequence: null,
    kind: 'webhook',
    type: exchange.purpose,
    latencyMs: exchange.latencyMs,
    data: JSON.stringify({
      method: exchange.method,
      url: exchange.url,
      httpStatus: exchange.status,
      failure: exchange.failure,
    }),
  };
}

/**
 * Writes the console's call event log from the core's event stream and the webhook client, off the
 * call path: handlers only queue a row, and a timer inserts them in batches (one INSERT per batch), so
 * a slow database delays the log, never a call or its record writes. Events older than the retention
 * setting are deleted hourly.
 */
@Injectable()
export class CallEventRecorder implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(CallEventRecorder.name);
  private pending: Row[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private sweeper?: NodeJS.Timeout;
  private stops: Array<() => void> = [];
  dropped = 0;

  constructor(
    @InjectRepository(CallEventEntity) private readonly events: Repository<CallEventEntity>,
    private readonly bus: CallEventBus,
    private readonly webhooks: WebhookClient,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.stops.push(this.bus.subscribe((event) => this.queue(rowOfEvent(event))));
    this.stops.push(
      this.webhooks.observe((exchange) => {
        const { callSid, accountSid } = exchange;
        if (callSid && accountSid && CALL_SID.test(callSid))
          this.queue(rowOfExchange({ ...exchange, callSid, accountSid }));
      }),
    );
    this.sweeper = setInterval(() => void this.sweep(), RETENTION_SWEEP_MS);
    this.sweeper.unref();
    void this.sweep();
  }

  /** While the database is still open; calls ended by the drain after this are flushed if it still is. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.stops) stop();
    clearInterval(this.sweeper);
    await this.flush();
  }

  private queue(row: Row): void {
    if (this.pending.length >= MAX_PENDING) {
      if (this.dropped++ % 1000 === 0)
        this.logger.warn(`call event log behind: ${this.dropped} events dropped`);
      return;
    }
    this.pending.push(row);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes every queued row (tests and shutdown call it; the timer does otherwise). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(async () => {
      // Once the database is closed (shutdown), what is left cannot be stored.
      if (!this.events.manager.connection.isInitialized) {
        this.pending = [];
        return;
      }
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, BATCH_ROWS);
        try {
          await this.events.insert(batch);
        } catch (error) {
          this.logger.error(`could not store ${batch.length} call events: ${String(error)}`);
        }
      }
    });
    return this.flushing;
  }

  /** Deletes events past the retention; resolves with how many went. */
  async sweep(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.callEventsRetentionDays * 24 * 3600 * 1000);
    try {
      const result = await this.events.delete({ at: LessThan(before) });
      return result.affected ?? 0;
    } catch (error) {
      this.logger.warn(`call event retention sweep failed: ${String(error)}`);
      return 0;
    }
  }
}
