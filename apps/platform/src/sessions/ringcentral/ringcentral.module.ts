import { Module } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module';
import { ExtensionsModule } from '../../extensions/extensions.module';
import { RecordingsModule } from '../../recordings/recordings.module';
import { SessionsModule } from '../sessions.module';
import { ClusterModule } from '../../cluster/cluster.module';
import { PresenceController } from './presence.controller';
import { RingcentralAuthController } from './ringcentral-auth.controller';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { TelephonyDevices } from './telephony-devices';
import { TelephonyPbxFeaturesController } from './telephony-pbx-features.controller';
import { TelephonyPbxFeaturesService } from './telephony-pbx-features.service';
import { TelephonySessionEvents } from './telephony-session-event';
import { TelephonySessionEventsService } from './telephony-session-events.service';
import { TelephonyRecordingsController } from './telephony-recordings.controller';
import { TelephonyRecordingsService } from './telephony-recordings.service';
import { TelephonySessionsController } from './telephony-sessions.controller';
import { TelephonySessionsService } from './telephony-sessions.service';

/**
 * The RingCentral-style `/restapi`: OAuth, telephony sessions and parties (park, flip, supervise,
 * recordings too), presence, session events and their subscriptions.
 */
@Module({
  imports: [
    AccountsModule,
    ExtensionsModule,
    RecordingsModule,
    SessionsModule,
    SubscriptionsModule,
    ClusterModule,
  ],
  controllers: [
    RingcentralAuthController,
    TelephonySessionsController,
    TelephonyRecordingsController,
    TelephonyPbxFeaturesController,
    PresenceController,
  ],
  providers: [
    TelephonySessionsService,
    TelephonyRecordingsService,
    TelephonyPbxFeaturesService,
    TelephonyDevices,
    TelephonySessionEventsService,
    { provide: TelephonySessionEvents, useExisting: TelephonySessionEventsService },
  ],
  exports: [TelephonySessionEvents, TelephonySessionsService],
})
export class RingcentralModule {}
