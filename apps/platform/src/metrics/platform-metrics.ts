import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a request to an account's server was for: an RCML document, a callback, audio, pushed events. */
export type WebhookPurpose = 'document' | 'callback' | 'media' | 'event';

/** Setup stages: the API request (or the parent call's Dial) until the INVITE left, then until the answer. */
export type SetupStage = 'request_to_invite' | 'invite_to_answer';

const SETUP_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60];
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The platform's Prometheus metrics, in a registry of its own (tests start several platforms in one
 * process). Labels are bounded: direction, status, purpose, reason, HTTP status code, account; never a
 * CallSid or a URL.
 */
@Injectable()
export class PlatformMetrics {
  readonly registry = new Registry();
  private queuedSource: () => Iterable<[string, number]> = () => [];
  private ariSource: () => boolean = () => false;

  readonly liveCalls = new Gauge({
    name: 'callwright_calls_live',
    help: 'Calls set up and not yet ended, by direction',
    labelNames: ['direction'],
    registers: [this.registry],
  });
  readonly callsStarted = new Counter({
    name: 'callwright_calls_started_total',
    help: 'Calls started, by direction',
    labelNames: ['direction'],
    registers: [this.registry],
  });
  readonly callsEnded = new Counter({
    name: 'callwright_calls_ended_total',
    help: 'Calls ended, by direction and final status',
    labelNames: ['direction', 'status'],
    registers: [this.registry],
  });
  readonly callSetup = new Histogram({
    name: 'callwright_call_setup_seconds',
    help: 'Outbound call setup: request_to_invite (call created until its INVITE left), invite_to_answer',
    labelNames: ['stage'],
    buckets: SETUP_BUCKETS,
    registers: [this.registry],
  });
  private readonly webhookDuration = new Histogram({
    name: 'callwright_webhook_request_seconds',
    help: "Requests to accounts' servers, by purpose and outcome (ok, failed)",
    labelNames: ['purpose', 'outcome'],
    buckets: WEBHOOK_BUCKETS,
    registers: [this.registry],
  });
  private readonly webhookFailures = new Counter({
    name: 'callwright_webhook_failures_total',
    help: "Failed requests to accounts' servers, by purpose, reason and HTTP status code (empty without one)",
    labelNames: ['purpose', 'reason', 'code'],
    registers: [this.registry],
  });
  readonly ariReconnects = new Counter({
    name: 'callwright_ari_reconnects_total',
    help: 'Times the ARI connection to Asterisk came back after being lost',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'callwright_' });
    const source = () => this;
    new Gauge({
      name: 'callwright_ari_connected',
      help: '1 while the ARI connection to Asterisk is up',
      registers: [this.registry],
      collect() {
        this.set(source().ariSource() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'callwright_calls_queued',
      help: 'Outbound API calls waiting for their turn, by account',
      labelNames: ['account_sid'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [accountSid, waiting] of source().queuedSource())
          this.set({ account_sid: accountSid }, waiting);
      },
    });
  }

  /** Where the per-account queue lengths come from (the outbound dispatcher). */
  countQueuedWith(source: () => Iterable<[string, number]>): void {
    this.queuedSource = source;
  }

  /** Where the ARI connection state comes from. */
  readAriStateWith(source: () => boolean): void {
    this.ariSource = source;
  }

  observeWebhook(
    purpose: WebhookPurpose,
    seconds: number,
    failure?: { reason: string; status?: number },
  ): void {
    this.webhookDuration.observe({ purpose, outcome: failure ? 'failed' : 'ok' }, seconds);
    if (failure)
      this.webhookFailures.inc({
        purpose,
        reason: failure.reason,
        code: failure.status ? String(failure.status) : '',
      });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
