import { Logger } from '@nestjs/common';
import { abortableDelay, SerialQueue } from '../common/serial-queue';
import { NotificationLevel } from '../notifications/notification.entity';
import { NotificationCode } from '../notifications/notification-codes';
import { NotificationsService } from '../notifications/notifications.service';
import { RcmlApplicationService } from '../rcml/rcml-application.service';
import type { VerbContext } from '../rcml/verbs/verb';
import { ChannelEvent, ChannelWatch, TelephonyGateway } from '../telephony/telephony-gateway.port';
import { HttpMethod, WebhookClient, WebhookError } from '../webhooks/webhook-client.service';
import type { CallEntity } from './call.entity';
import { CallSignal, isTerminal, nextStatus } from './call-state-machine';
import { CallStatus } from './call-status';
import { callRequestParams } from './call-request-params';

export interface CallStore {
  update(sid: string, patch: Partial<CallEntity>): Promise<void>;
}

export interface CallSessionDeps {
  gateway: TelephonyGateway;
  store: CallStore;
  rcml: RcmlApplicationService;
  notifications: NotificationsService;
  webhooks: WebhookClient;
}

type EndedBy = Extract<CallSignal, { type: 'ended' }>['by'];

/**
 * One live call leg. Channel events and commands are handled one at a time, in order, and every
 * status change goes through the state machine and is stored before anything reacts to it.
 */
export class CallSession {
  private readonly logger = new Logger(CallSession.name);
  private readonly queue = new SerialQueue();
  private readonly lifetime = new AbortController();
  private watch: ChannelWatch | null = null;
  private noAnswerTimer: NodeJS.Timeout | null = null;
  private endRequestedBy: EndedBy | null = null;
  private applicationStarted = false;
  private resolveFinished!: () => void;
  /** Settles once the call is final, stored and its status callback has been attempted. */
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(
    private readonly call: CallEntity,
    private readonly signingKey: string,
    private readonly deps: CallSessionDeps,
  ) {}

  get sid(): string {
    return this.call.sid;
  }

  /** Places the outbound leg. */
  start(): Promise<void> {
    return this.queue.run(async () => {
      const { gateway } = this.deps;
      const channelId = gateway.newChannelId();
      this.watch = gateway.watchChannel(
        channelId,
        (event) => void this.queue.run(() => this.onChannelEvent(event)),
      );
      await this.save({ channelId, startTime: new Date() });
      try {
        await gateway.originate({
          channelId,
          sipUri: this.call.to,
          callerId: this.call.from,
          timeoutSeconds: this.call.timeout + 5,
        });
      } catch (error) {
        await this.notify(
          NotificationCode.TelephonyFailure,
          error instanceof Error ? error.message : String(error),
        );
        await this.finish({ type: 'ended', by: 'error', cause: 0 });
        return;
      }
      this.noAnswerTimer = setTimeout(
        () => void this.queue.run(() => this.giveUpRinging()),
        this.call.timeout * 1000,
      );
    });
  }

  private async onChannelEvent(event: ChannelEvent): Promise<void> {
    if (isTerminal(this.call.status)) return;
    switch (event.kind) {
      case 'ringing':
        await this.apply({ type: 'ringing' });
        return;
      case 'answered':
        this.clearNoAnswerTimer();
        if (event.sipCallId) await this.save({ sipCallId: event.sipCallId });
        await this.apply({ type: 'answered' }, { answerTime: new Date(), sipResponseCode: 200 });
        return;
      case 'entered-app':
        if (event.sipCallId && !this.call.sipCallId) await this.save({ sipCallId: event.sipCallId });
        this.startApplication();
        return;
      case 'hangup': {
        if (event.sipCallId && !this.call.sipCallId) await this.save({ sipCallId: event.sipCallId });
        if (event.vanished) await this.notify(NotificationCode.TelephonyFailure, event.causeText);
        const answered = this.call.status === CallStatus.InProgress;
        await this.finish(
          { type: 'ended', by: this.endRequestedBy ?? 'remote', cause: event.cause, sipCode: event.sipCode },
          { hangupCause: event.cause, sipResponseCode: answered ? 200 : (event.sipCode ?? null) },
        );
        return;
      }
    }
  }

  private startApplication(): void {
    if (this.applicationStarted || !this.call.url) return;
    this.applicationStarted = true;
    const context: VerbContext = {
      signal: this.lifetime.signal,
      pause: (seconds) => abortableDelay(seconds * 1000, this.lifetime.signal),
      hangup: () => this.hangup('platform'),
    };
    this.deps.rcml
      .run(
        {
          accountSid: this.call.accountSid,
          callSid: this.call.sid,
          signingKey: this.signingKey,
          primary: { url: this.call.url, method: this.call.method as HttpMethod },
          fallback: this.call.fallbackUrl
            ? { url: this.call.fallbackUrl, method: this.call.fallbackMethod as HttpMethod }
            : null,
          requestParams: () => callRequestParams(this.call),
        },
        context,
      )
      .catch(async (error) => {
        this.logger.error(
          `RCML on ${this.call.sid} crashed: ${error instanceof Error ? error.stack : error}`,
        );
        await this.notify(NotificationCode.TelephonyFailure, 'Internal error while running RCML');
        await this.hangup('platform');
      });
  }

  private async giveUpRinging(): Promise<void> {
    this.noAnswerTimer = null;
    if (isTerminal(this.call.status) || this.call.status === CallStatus.InProgress) return;
    await this.hangup('no-answer-timeout');
  }

  private async hangup(by: EndedBy): Promise<void> {
    this.endRequestedBy ??= by;
    if (this.call.channelId)
      await this.deps.gateway.hangup(
        this.call.channelId,
        by === 'no-answer-timeout' ? 'no_answer' : 'normal',
      );
  }

  private async apply(signal: CallSignal, patch: Partial<CallEntity> = {}): Promise<boolean> {
    const status = nextStatus(this.call.status, signal);
    if (status === null) return false;
    await this.save({ ...patch, status });
    return true;
  }

  private async finish(
    signal: Extract<CallSignal, { type: 'ended' }>,
    patch: Partial<CallEntity> = {},
  ): Promise<void> {
    this.clearNoAnswerTimer();
    this.lifetime.abort();
    this.watch?.stop();
    const endTime = new Date();
    const duration = this.call.answerTime
      ? Math.round((endTime.getTime() - this.call.answerTime.getTime()) / 1000)
      : 0;
    const changed = await this.apply(signal, { ...patch, endTime, duration });
    if (changed) await this.sendStatusCallback();
    this.resolveFinished();
  }

  private async sendStatusCallback(): Promise<void> {
    const { statusCallback, statusCallbackMethod } = this.call;
    if (!statusCallback) return;
    const params: Record<string, string> = {
      ...callRequestParams(this.call),
      CallDuration: String(this.call.duration ?? 0),
      Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
      CallbackSource: 'call-progress-events',
      SequenceNumber: '0',
    };
    if (this.call.sipResponseCode !== null) params.SipResponseCode = String(this.call.sipResponseCode);
    try {
      await this.deps.webhooks.send({
        url: statusCallback,
        method: statusCallbackMethod as HttpMethod,
        params,
        signingKey: this.signingKey,
      });
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      await this.notify(NotificationCode.StatusCallbackFailure, error.message, {
        requestUrl: statusCallback,
        requestMethod: statusCallbackMethod,
        responseBody: error.response?.body,
      });
    }
  }

  private clearNoAnswerTimer(): void {
    if (this.noAnswerTimer) clearTimeout(this.noAnswerTimer);
    this.noAnswerTimer = null;
  }

  private async save(patch: Partial<CallEntity>): Promise<void> {
    Object.assign(this.call, patch);
    await this.deps.store.update(this.call.sid, patch);
  }

  private async notify(
    code: NotificationCode,
    message: string,
    request: { requestUrl?: string; requestMethod?: string; responseBody?: string } = {},
  ): Promise<void> {
    await this.deps.notifications.record({
      accountSid: this.call.accountSid,
      callSid: this.call.sid,
      level:
        code === NotificationCode.StatusCallbackFailure ? NotificationLevel.Warning : NotificationLevel.Error,
      code,
      message,
      ...request,
    });
  }
}
