import { Logger } from '@nestjs/common';
import type { CallLeg } from '../call-control/legs/call-leg';
import type { NotificationSink } from '../call-control/ports/notification-sink.port';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import type { ProgressCallback } from '../rcml/verbs/verb';
import { WebhookClient, WebhookError } from '../webhooks/webhook-client.service';
import { ProgressReporter } from './progress-reporter';

/**
 * Twilio/RestComm progress callbacks (StatusCallback, StatusCallbackEvent) as a listener of legs: the
 * leg reports its moments and goes on; deliveries run on the reporter's own queue.
 */
export class ProgressCallbacks {
  private readonly logger = new Logger(ProgressCallbacks.name);

  constructor(
    private readonly webhooks: WebhookClient,
    private readonly notifications: NotificationSink,
  ) {}

  /** Subscribes the leg's callbacks; the reporter tells when those sent so far have been attempted. */
  attach(leg: CallLeg, signingKey: string): ProgressReporter {
    const reporter = new ProgressReporter((target, params) => this.deliver(leg, signingKey, target, params));
    leg.observe({ progress: (moment, call) => reporter.report(moment, call) });
    return reporter;
  }

  /** A failing callback server is on record as notification 15003; it never stops the call. */
  private async deliver(
    leg: CallLeg,
    signingKey: string,
    target: ProgressCallback,
    params: Record<string, string>,
  ): Promise<void> {
    try {
      await this.webhooks.send({ url: target.url, method: target.method, params, signingKey });
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
