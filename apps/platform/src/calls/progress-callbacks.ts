import { Logger } from '@nestjs/common';
import type { CallEvent } from '../call-control/events/call-event';
import type { CallEventBus } from '../call-control/events/call-event-bus';
import type { CallLeg } from '../call-control/legs/call-leg';
import type { NotificationSink } from '../call-control/ports/notification-sink.port';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import type { ProgressCallback } from '../rcml/verbs/verb';
import { WebhookClient, WebhookError } from '../webhooks/webhook-client.service';
import { ProgressReporter } from './progress-reporter';

/**
 * Twilio/RestComm progress callbacks (StatusCallback, StatusCallbackEvent): a subscriber of the core's
 * event stream. The leg publishes its moments (with the record as it was) and goes on; each call's
 * callbacks are sent in order on its reporter's own queue.
 */
export class ProgressCallbacks {
  private readonly logger = new Logger(ProgressCallbacks.name);
  private readonly reporters = new Map<string, ProgressReporter>();
  /** Final callbacks on their way, so that a shutdown can let them arrive before it closes the client. */
  private readonly finalDeliveries = new Set<Promise<void>>();

  constructor(
    private readonly events: CallEventBus,
    private readonly webhooks: WebhookClient,
    private readonly notifications: NotificationSink,
  ) {
    events.subscribe({ types: ['leg.status'] }, (event) => this.heard(event));
  }

  /** Reports the leg's moments from now on; the reporter tells when those sent so far were attempted. */
  attach(leg: CallLeg, signingKey: string): ProgressReporter {
    const reporter = new ProgressReporter((target, params) => this.deliver(leg, signingKey, target, params));
    this.reporters.set(leg.sid, reporter);
    return reporter;
  }

  /** Resolves once every moment published so far has reached its reporter and been attempted. */
  async drained(reporter: ProgressReporter): Promise<void> {
    await this.events.settled();
    await reporter.drained();
  }

  /** At shutdown: waits (up to `timeoutMs`) for the final callbacks of the calls that ended so far. */
  async flush(timeoutMs: number): Promise<void> {
    await this.events.settled();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.all([...this.finalDeliveries]), timeout]);
  }

  private heard(event: CallEvent): void {
    const { payload } = event;
    if (payload.type !== 'leg.status' || !payload.moment || !payload.record) return;
    const reporter = this.reporters.get(event.callSid);
    if (!reporter) return;
    reporter.report(payload.moment, payload.record);
    if (payload.moment !== 'completed') return;
    this.reporters.delete(event.callSid);
    const delivered = reporter.drained();
    this.finalDeliveries.add(delivered);
    void delivered.finally(() => this.finalDeliveries.delete(delivered));
  }

  /** A failing callback server is on record as notification 15003; it never stops the call. */
  private async deliver(
    leg: CallLeg,
    signingKey: string,
    target: ProgressCallback,
    params: Record<string, string>,
  ): Promise<void> {
    try {
      await this.webhooks.send({
        purpose: 'callback',
        url: target.url,
        method: target.method,
        params,
        signingKey,
      });
    } catch (error) {
      if (!(error instanceof WebhookError)) {
        this.logger.error(`Progress callback of ${leg.sid} failed: ${error}`);
        return;
      }
      await this.notifications
        .record({
          accountSid: leg.accountSid,
          callSid: leg.sid,
          level: NotificationLevel.Warning,
          code: NotificationCode.StatusCallbackFailure,
          message: error.message,
          requestUrl: target.url,
          requestMethod: target.method,
          responseBody: error.response?.body,
        })
        .catch((notifyError) => this.logger.error(`${leg.sid}: ${notifyError}`));
    }
  }
}
