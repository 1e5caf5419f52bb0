import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { CallsModule } from './calls/calls.module';
import { ClusterModule } from './cluster/cluster.module';
import { ClientsModule } from './clients/clients.module';
import { ConsoleModule } from './console/console.module';
import { ConfigModule } from './config/config.module';
import { ConsoleStaticModule } from './console-static/console-static.module';
import { DatabaseModule } from './database/database.module';
import { ExtensionsModule } from './extensions/extensions.module';
import { HealthModule } from './health/health.module';
import { HttpsModule } from './https/https.module';
import { IncomingNumbersModule } from './incoming-numbers/incoming-numbers.module';
import { ApplicationsModule } from './applications/applications.module';
import { MediaModule } from './media/media.module';
import { MediaStreamsModule } from './media-streams/media-streams.module';
import { NotificationsApiModule } from './notifications/notifications-api.module';
import { NotificationsModule } from './notifications/notifications.module';
import { QueuesModule } from './queues/queues.module';
import { RecordingsModule } from './recordings/recordings.module';
import { SessionsModule } from './sessions/sessions.module';
import { RingcentralModule } from './sessions/ringcentral/ringcentral.module';
import { SipxModule } from './sessions/sipx/sipx.module';
import { TelephonyModule } from './telephony/telephony.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule,
    MetricsModule,
    LoggingModule,
    DatabaseModule,
    TelephonyModule,
    ClusterModule,
    WebhooksModule,
    MediaStreamsModule,
    NotificationsModule,
    NotificationsApiModule,
    IncomingNumbersModule,
    ApplicationsModule,
    ClientsModule,
    ExtensionsModule,
    RecordingsModule,
    QueuesModule,
    AccountsModule,
    CallsModule,
    HealthModule,
    SessionsModule,
    RingcentralModule,
    SipxModule,
    MediaModule,
    HttpsModule,
    ConsoleModule,
    ConsoleStaticModule,
  ],
})
export class AppModule {}
