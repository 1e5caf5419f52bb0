import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { CallEntity } from '../call-control/legs/call.entity';
import { NotificationEntity } from './notification.entity';
import { AccountNotificationsController, CallNotificationsController } from './notifications.controller';
import { NotificationQueriesService } from './notification-queries.service';
import {
  TwilioCallNotificationsController,
  TwilioNotificationsController,
} from './twilio/twilio-notifications.controller';

/**
 * The HTTP resource over notifications. Kept apart from the global NotificationsModule, which
 * every call-handling module uses to write them, so that module stays free of HTTP and accounts.
 */
@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity, CallEntity]), AccountsModule],
  controllers: [
    AccountNotificationsController,
    CallNotificationsController,
    TwilioNotificationsController,
    TwilioCallNotificationsController,
  ],
  providers: [NotificationQueriesService],
})
export class NotificationsApiModule {}
