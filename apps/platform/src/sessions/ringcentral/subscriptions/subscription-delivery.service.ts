import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { NotificationCode, NotificationLevel } from '../../../common/notification-codes';
import { SerialQueue } from '../../../common/serial-queue';
import { NotificationsService } from '../../../notifications/notifications.service';
import { WebhookClient, WebhookError } from '../../../webhooks/webhook-client.service';
import { TelephonySessionEvent, TelephonySessionEvents } from '../telephony-session-event';
import {
  DeliveryFailure,
  DeliveryLanes,
  DeliveryTarget,
  LaneHost,
  SessionNotification,
} from './delivery-lanes';
import { DeliveryPolicy } from './delivery-policy';
import { EventFilter, firstMatchingFilter, storedFilter } from './event-filter';
import { SubscriptionEntity } from './subscription.entity';

const SWEEP_INTERVAL_MS = 60_000;

const targetOf = (row: SubscriptionEntity): DeliveryTarget => ({
  subscriptionId: row.id,
  accountSid: row.accountSid,
  address: row.address,
  verificationToken: row.verificationToken,
});

const takesNotifications = (row: SubscriptionEntity | null, now = new Date()): row is SubscriptionEntity =>
  row !== null && row.status === 'Active' && row.expirationTime > now;

/**
 * Turns the session event stream into WebHook notifications: each event is matched, in the order it
 * was heard, against the Active, unexpired subscriptions of its account (read from the database, so
 * every node and every restart sees the same ones) and queued on the delivery lanes.
 *
 * The stream is whatever provider the application binds to TelephonySessionEvents (the RingCentral
 * facade's); it is looked up at bootstrap so that this module need not import the facade's module.
 */
@Injectable()
export class SubscriptionDelivery implements LaneHost, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SubscriptionDelivery');
  private readonly intake = new SerialQueue();
  readonly lanes: DeliveryLanes;
  private unsubscribe: (() => void) | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    @InjectRepository(SubscriptionEntity) private readonly subscriptions: Repository<SubscriptionEntity>,
    private readonly webhooks: WebhookClient,
    private readonly notifications: NotificationsService,
    private readonly policy: DeliveryPolicy,
    private readonly moduleRef: ModuleRef,
  ) {
    this.lanes = new DeliveryLanes(this, policy);
  }

  onApplicationBootstrap(): void {
    let events: TelephonySessionEvents;
    try {
      events = this.moduleRef.get(TelephonySessionEvents, { strict: false });
    } catch {
      this.logger.warn('No TelephonySessionEvents provider is bound: subscriptions will get no events');
      return;
    }
    this.unsubscribe = events.subscribe((event) => this.heard(event));
    this.sweeper = setInterval(() => void this.deleteExpired(), SWEEP_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.sweeper) clearInterval(this.sweeper);
    this.lanes.stopAll();
  }

  /** Resolves once every event heard so far has been matched and queued. */
  async settled(): Promise<void> {
    await this.intake.run(() => undefined);
  }

  heard(event: TelephonySessionEvent): void {
    void this.intake
      .run(() => this.dispatch(event))
      .catch((error: unknown) => {
        // Losing one event for every subscriber is bad; stopping the stream for all later ones is worse.
        this.logger.error(
          `Session event ${event.body.telephonySessionId}#${event.body.sequence} was not dispatched: ${error}`,
        );
      });
  }

  /** Expired subscriptions are forgotten, as RingCentral forgets them. */
  async deleteExpired(): Promise<void> {
    await this.subscriptions
      .delete({ expirationTime: LessThanOrEqual(new Date()) })
      .catch((error: unknown) => this.logger.warn(`Expired subscriptions were not deleted: ${error}`));
  }

  async send(target: DeliveryTarget, notification: SessionNotification): Promise<void> {
    const token = target.verificationToken;
    // The documents disagree on the header's name (Verification-Token, later Validation-Token): both go.
    const headers: Record<string, string> = token
      ? { 'verification-token': token, 'validation-token': token }
      : {};
    await this.webhooks.postJson({
      url: target.address,
      json: notification,
      headers,
      timeoutMs: this.policy.timeoutMs,
    });
  }

  async current(target: DeliveryTarget): Promise<DeliveryTarget | null> {
    const row = await this.subscriptions.findOneBy({ id: target.subscriptionId });
    return takesNotifications(row) ? targetOf(row) : null;
  }

  async suspend(target: DeliveryTarget, failure: DeliveryFailure): Promise<void> {
    const reason = failure.reason.slice(0, 1024);
    // Only an Active one: a subscription deleted or renewed meanwhile keeps what it has now.
    const result = await this.subscriptions.update(
      { id: target.subscriptionId, status: 'Active' },
      { status: 'Suspended', suspendedReason: reason, suspendedAt: new Date() },
    );
    if (result.affected === 0) return;
    const lastError = failure.lastError instanceof WebhookError ? failure.lastError : undefined;
    await this.notifications.record({
      accountSid: target.accountSid,
      callSid: null,
      level: NotificationLevel.Error,
      code: NotificationCode.SubscriptionSuspended,
      message: `Subscription ${target.subscriptionId} was suspended and its waiting notifications dropped: ${reason}`,
      requestUrl: target.address,
      requestMethod: 'POST',
      responseBody: lastError?.response?.body,
    });
  }

  private async dispatch(event: TelephonySessionEvent): Promise<void> {
    const now = new Date();
    const rows = await this.subscriptions.find({
      where: { accountSid: event.accountSid, status: 'Active', expirationTime: MoreThan(now) },
      order: { creationTime: 'ASC' },
    });
    for (const row of rows) {
      const filter = firstMatchingFilter(this.filtersOf(row), event);
      if (!filter) continue;
      this.lanes.enqueue(targetOf(row), event.body.telephonySessionId, {
        uuid: randomUUID(),
        event: filter.path,
        timestamp: now.toISOString(),
        subscriptionId: row.id,
        ownerId: row.ownerId,
        body: event.body,
      });
    }
  }

  private filtersOf(row: SubscriptionEntity): EventFilter[] {
    const filters: EventFilter[] = [];
    for (const path of row.eventFilters) {
      try {
        filters.push(storedFilter(path));
      } catch (error) {
        this.logger.warn(`Subscription ${row.id} has an unusable filter ${path}: ${error}`);
      }
    }
    return filters;
  }
}
