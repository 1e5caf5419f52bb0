import { TwilioParticipantsController } from './twilio/twilio-participants.controller';
import { CallLogContext } from '../logging/call-log-context';
import { CallMetricsListener } from '../metrics/call-metrics.listener';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { ApplicationsModule } from '../applications/applications.module';
import { ClientsModule } from '../clients/clients.module';
import { DialModule } from '../dial/dial.module';
import { IncomingNumbersModule } from '../incoming-numbers/incoming-numbers.module';
import { RcmlModule } from '../rcml/rcml.module';
import { RecordingsModule } from '../recordings/recordings.module';
import { AccountClosureListener } from './account-closure.listener';
import { LiveCallsService } from './live-calls.service';
import { SHARED_ACCOUNT_LOAD } from '../cluster/shared-account-load.port';
import { sharedAccountLoadFor } from '../cluster/pg-account-load';
import { AppConfig } from '../config/app-config';
import { CallEntity } from '../call-control/legs/call.entity';
import { CallRecords } from '../call-control/legs/call-records';
import { CallControl } from '../call-control/call-control.service';
import { CallOuts } from '../call-control/call-outs/call-outs';
import { ParkOrbits } from '../call-control/parking/park-orbits';
import { Supervisions } from '../call-control/supervision/supervisions';
import { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import { Transfers } from '../call-control/conversations/transfers';
import { CallEventBus } from '../call-control/events/call-event-bus';
import { LegDirectory } from '../call-control/ports/leg-directory.port';
import { LegHangup } from '../call-control/ports/leg-hangup.port';
import { LegPlacer } from '../call-control/ports/leg-placer.port';
import { TransferTargetResolver } from '../call-control/ports/transfer-target.port';
import { LiveLegs } from './live-legs';
import { ReferTargetResolver } from './refer-target-resolver';
import { InboundRouter } from '../call-control/inbound/inbound-router.port';
import { NumbersRouter } from '../rcml/numbers-router';
import { ExtensionsModule } from '../extensions/extensions.module';
import { ExtensionsRouter } from '../extensions/extensions-router';
import { ExtensionReferTargetResolver } from '../extensions/extension-refer-target-resolver';
import { ExtensionsService } from '../extensions/extensions.service';
import { NotificationSink } from '../call-control/ports/notification-sink.port';
import { NotificationsService } from '../notifications/notifications.service';
import { CallsController } from './calls.controller';
import { CallsService } from './calls.service';
import { TwilioCallsController } from './twilio/twilio-calls.controller';

/** Global: the core's conversations and event stream it provides serve the other facades too (Dial's rooms). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([CallEntity]),
    AccountsModule,
    ApplicationsModule,
    RcmlModule,
    IncomingNumbersModule,
    RecordingsModule,
    ClientsModule,
    ExtensionsModule,
    DialModule,
  ],
  controllers: [CallsController, TwilioCallsController, TwilioParticipantsController],
  providers: [
    CallsService,
    LiveCallsService,
    AccountClosureListener,
    CallMetricsListener,
    CallLogContext,
    CallRecords,
    CallEventBus,
    ConversationRegistry,
    Transfers,
    LiveLegs,
    CallControl,
    CallOuts,
    ParkOrbits,
    Supervisions,
    { provide: LegHangup, useExisting: LiveLegs },
    { provide: LegDirectory, useExisting: LiveLegs },
    { provide: LegPlacer, useExisting: LiveCallsService },
    ReferTargetResolver,
    {
      provide: TransferTargetResolver,
      useFactory: (others: ReferTargetResolver, extensions: ExtensionsService, legs: LegDirectory) =>
        new ExtensionReferTargetResolver(others, extensions, legs),
      inject: [ReferTargetResolver, ExtensionsService, LegDirectory],
    },
    NumbersRouter,
    {
      provide: InboundRouter,
      useFactory: (numbers: NumbersRouter, extensions: ExtensionsService) =>
        new ExtensionsRouter(numbers, extensions),
      inject: [NumbersRouter, ExtensionsService],
    },
    { provide: NotificationSink, useExisting: NotificationsService },
    { provide: SHARED_ACCOUNT_LOAD, inject: [AppConfig], useFactory: sharedAccountLoadFor },
  ],
  exports: [
    CallsService,
    LiveCallsService,
    CallControl,
    CallOuts,
    ParkOrbits,
    Supervisions,
    CallEventBus,
    ConversationRegistry,
    LegDirectory,
    LegHangup,
    LegPlacer,
  ],
})
export class CallsModule {}
