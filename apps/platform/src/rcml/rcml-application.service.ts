import { Injectable } from '@nestjs/common';
import { NotificationLevel } from '../notifications/notification.entity';
import { NotificationCode } from '../notifications/notification-codes';
import { NotificationsService } from '../notifications/notifications.service';
import { HttpMethod, WebhookClient, WebhookError } from '../webhooks/webhook-client.service';
import { RcmlInterpreter } from './rcml-interpreter';
import type { VerbContext } from './verbs/verb';

export interface RcmlTarget {
  url: string;
  method: HttpMethod;
}

export interface RcmlApplication {
  accountSid: string;
  callSid: string;
  signingKey: string;
  primary: RcmlTarget;
  fallback: RcmlTarget | null;
  /** Standard request parameters, taken fresh at each request so CallStatus is current. */
  requestParams(): Record<string, string>;
}

/**
 * Fetches a call's RCML and runs it. A failed fetch or a document that cannot run is recorded
 * as a notification; the fallback document is tried once; with nothing runnable, the call hangs up.
 */
@Injectable()
export class RcmlApplicationService {
  private readonly interpreter = new RcmlInterpreter();

  constructor(
    private readonly webhooks: WebhookClient,
    private readonly notifications: NotificationsService,
  ) {}

  async run(application: RcmlApplication, context: VerbContext): Promise<void> {
    const targets = application.fallback
      ? [application.primary, application.fallback]
      : [application.primary];
    for (const target of targets) {
      if (context.signal.aborted) return;
      const document = await this.fetch(application, target);
      if (document === null) continue;
      const result = await this.interpreter.run(document, context);
      if (result.kind !== 'rejected') return;
      await this.report(application, target, result.problem.code, result.problem.message, document);
    }
    if (!context.signal.aborted) await context.hangup();
  }

  private async fetch(application: RcmlApplication, target: RcmlTarget): Promise<string | null> {
    try {
      const response = await this.webhooks.send({
        url: target.url,
        method: target.method,
        params: application.requestParams(),
        signingKey: application.signingKey,
      });
      return response.body;
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      await this.report(
        application,
        target,
        NotificationCode.HttpRetrievalFailure,
        error.message,
        error.response?.body,
      );
      return null;
    }
  }

  private async report(
    application: RcmlApplication,
    target: RcmlTarget,
    code: number,
    message: string,
    responseBody?: string,
  ): Promise<void> {
    await this.notifications.record({
      accountSid: application.accountSid,
      callSid: application.callSid,
      level: NotificationLevel.Error,
      code,
      message,
      requestUrl: target.url,
      requestMethod: target.method,
      responseBody,
    });
  }
}
