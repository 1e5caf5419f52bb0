import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { ApiKeyEntity } from '../accounts/api-key.entity';
import { ApplicationEntity } from '../applications/application.entity';
import { CallEntity } from '../call-control/legs/call.entity';
import { ExtensionsModule } from '../extensions/extensions.module';
import { IncomingNumberEntity } from '../incoming-numbers/incoming-number.entity';
import { NotificationEntity } from '../notifications/notification.entity';
import { RecordingEntity } from '../recordings/recording.entity';
import { RecordingsModule } from '../recordings/recordings.module';
import { SessionsModule } from '../sessions/sessions.module';
import { SubscriptionEntity } from '../sessions/ringcentral/subscriptions/subscription.entity';
import { CallEventEntity } from './call-event.entity';
import { CallSearchService } from './calls/call-search.service';
import { CallTimelineService } from './calls/call-timeline.service';
import { ConsoleCallsController } from './calls/console-calls.controller';
import { ConsoleSessionEntity } from './console-session.entity';
import { CallEventRecorder } from './events/call-event-recorder.service';
import { ConsoleLiveCallsController } from './live/console-live-calls.controller';
import { ConsoleLiveCallsService } from './live/console-live-calls.service';
import { LiveCallStream } from './live/live-call-stream';
import { ConsoleResourcesController } from './resources/console-resources.controller';
import { ConsoleResourcesService } from './resources/console-resources.service';
import { ConsoleSessionController } from './session/console-session.controller';
import { ConsoleSessionGuard } from './session/console-session.guard';
import { ConsoleSessionsService } from './session/console-sessions.service';
import { ConsoleStatsService } from './stats/console-stats.service';

/**
 * The web console's JSON API under /console/api (issue 17): sessions, the call log, timelines, live
 * calls and their actions, resources and charts. It sits above the facades and resources and calls
 * their services; nothing imports it. The page itself is served apart (/console).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ConsoleSessionEntity,
      CallEventEntity,
      ApiKeyEntity,
      CallEntity,
      NotificationEntity,
      RecordingEntity,
      IncomingNumberEntity,
      ApplicationEntity,
      SubscriptionEntity,
    ]),
    AccountsModule,
    ExtensionsModule,
    RecordingsModule,
    SessionsModule,
  ],
  controllers: [
    ConsoleSessionController,
    ConsoleCallsController,
    ConsoleLiveCallsController,
    ConsoleResourcesController,
  ],
  providers: [
    ConsoleSessionsService,
    ConsoleSessionGuard,
    CallEventRecorder,
    CallSearchService,
    CallTimelineService,
    ConsoleLiveCallsService,
    LiveCallStream,
    ConsoleResourcesService,
    ConsoleStatsService,
  ],
  exports: [CallEventRecorder],
})
export class ConsoleModule {}
