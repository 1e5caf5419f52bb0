import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../../../accounts/accounts.module';
import { ExtensionsModule } from '../../../extensions/extensions.module';
import { BearerTokenGuard } from '../../bearer-token.guard';
import { DeliveryPolicy } from './delivery-policy';
import { SubscriptionDelivery } from './subscription-delivery.service';
import { SubscriptionHandshake } from './subscription-handshake';
import { SubscriptionEntity } from './subscription.entity';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

/**
 * RingCentral-style WebHook subscriptions and the delivery of session events to them. The events come
 * from whichever provider the application binds to TelephonySessionEvents (see SubscriptionDelivery);
 * WebhookClient, AccountUrlPolicy and NotificationsService come from their global modules.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SubscriptionEntity]), AccountsModule, ExtensionsModule],
  controllers: [SubscriptionsController],
  providers: [
    BearerTokenGuard,
    DeliveryPolicy,
    SubscriptionHandshake,
    SubscriptionDelivery,
    SubscriptionsService,
  ],
  exports: [SubscriptionDelivery, SubscriptionsService],
})
export class SubscriptionsModule {}
