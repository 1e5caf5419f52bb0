import { Injectable } from '@nestjs/common';
import { NotificationLevel } from '../notifications/notification.entity';
import { NotificationCode } from '../common/notification-codes';
import { NotificationsService } from '../notifications/notifications.service';
import { WebhookClient, WebhookError } from '../webhooks/webhook-client.service';
import { RcmlDocument, RcmlErrorCode, RcmlInterpreter, RcmlRunResult, RunOptions } from './rcml-interpreter';
import type { HttpMethod, VerbContext } from './verbs/verb';

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
  /**
   * An inline document (Twilio's Twiml) run first instead of fetching `primary`: it has no URL, so
   * its relative URLs are refused and a Gather or Record without action goes on to the next verb.
   */
  inline?: string | null;
  /** Standard request parameters, taken fresh at each request so CallStatus is current. */
  requestParams(): Record<string, string>;
}

/** A call that keeps bouncing between documents without end is stopped rather than hammering the app. */
export const MAX_DOCUMENTS_PER_RUN = 1000;

const XML_CONTENT_TYPE = /^(text\/xml|application\/xml|application\/[\w.+-]+\+xml)\s*(;|$)/i;

/**
 * Fetches a call's RCML and runs it, following Redirect/Gather/Record actions from document to document.
 * A failed fetch or a document that cannot run is recorded as a notification; for the first document the
 * fallback is tried once; with nothing runnable, the call hangs up.
 */
@Injectable()
export class RcmlApplicationService {
  private readonly interpreter = new RcmlInterpreter();

  constructor(
    private readonly webhooks: WebhookClient,
    private readonly notifications: NotificationsService,
  ) {}

  /** Resolves with how the run ended: `hungup` when a verb (or the end of the document) ended the call. */
  async run(
    application: RcmlApplication,
    context: VerbContext,
    options: RunOptions = {},
  ): Promise<'ended' | 'returned'> {
    let inline = application.inline ?? null;
    let target: RcmlTarget | null = application.primary;
    let fallback = inline === null ? application.fallback : null;
    let extraParams: Record<string, string> = options.firstRequestParams ?? {};
    for (let documents = 0; target && documents < MAX_DOCUMENTS_PER_RUN; documents++) {
      if (context.signal.aborted) return 'ended';
      const document: RcmlDocument | null =
        inline !== null
          ? { url: null, method: target.method, xml: inline }
          : await this.fetch(application, target, extraParams);
      inline = null;
      const result: RcmlRunResult | null = document
        ? await this.interpreter.run(
            document,
            context,
            (problem) =>
              this.report(application, target!, NotificationLevel.Warning, problem.code, problem.message),
            options,
          )
        : null;
      if (result?.kind === 'finished') return options.screening ? 'returned' : 'ended';
      if (result?.kind === 'interrupted') return 'ended';
      if (result?.kind === 'next') {
        target = { url: result.next.url, method: result.next.method };
        extraParams = result.next.params;
        fallback = null;
        continue;
      }
      if (result?.kind === 'rejected') {
        await this.report(
          application,
          target,
          NotificationLevel.Error,
          result.problem.code,
          result.problem.message,
          document!.xml,
        );
      }
      target = fallback;
      fallback = null;
      extraParams = {};
    }
    if (target) {
      await this.report(
        application,
        target,
        NotificationLevel.Error,
        RcmlErrorCode.DocumentParseFailure,
        'Too many documents in one call',
      );
    }
    if (!context.signal.aborted) await context.hangup();
    return 'ended';
  }

  /** Requests a URL for its side effect only (for example a recording status callback). */
  async notify(
    application: RcmlApplication,
    target: RcmlTarget,
    params: Record<string, string>,
  ): Promise<void> {
    try {
      await this.webhooks.send({
        purpose: 'callback',
        url: target.url,
        method: target.method,
        params: { ...application.requestParams(), ...params },
        signingKey: application.signingKey,
      });
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      await this.report(
        application,
        target,
        NotificationLevel.Warning,
        NotificationCode.StatusCallbackFailure,
        error.message,
      );
    }
  }

  private async fetch(
    application: RcmlApplication,
    target: RcmlTarget,
    extraParams: Record<string, string>,
  ): Promise<RcmlDocument | null> {
    try {
      const response = await this.webhooks.send({
        url: target.url,
        method: target.method,
        params: { ...application.requestParams(), ...extraParams },
        signingKey: application.signingKey,
      });
      if (!XML_CONTENT_TYPE.test(response.contentType)) {
        await this.report(
          application,
          target,
          NotificationLevel.Error,
          NotificationCode.InvalidContentType,
          `Expected an XML document but got Content-Type "${response.contentType || 'none'}"`,
          response.body,
        );
        return null;
      }
      return { url: response.url, method: target.method, xml: response.body };
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      await this.report(
        application,
        target,
        NotificationLevel.Error,
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
    level: NotificationLevel,
    code: number,
    message: string,
    responseBody?: string,
  ): Promise<void> {
    await this.notifications.record({
      accountSid: application.accountSid,
      callSid: application.callSid,
      level,
      code,
      message,
      // An inline document has no URL.
      requestUrl: target.url || undefined,
      requestMethod: target.method,
      responseBody,
    });
  }
}
