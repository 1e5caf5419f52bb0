import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { ClientsModule } from '../clients/clients.module';
import { DialModule } from '../dial/dial.module';
import { IncomingNumbersModule } from '../incoming-numbers/incoming-numbers.module';
import { RcmlModule } from '../rcml/rcml.module';
import { RecordingsModule } from '../recordings/recordings.module';
import { AccountClosureListener } from './account-closure.listener';
import { CallControlService } from './call-control.service';
import { CallEntity } from '../call-control/legs/call.entity';
import { CallRecords } from '../call-control/legs/call-records';
import { InboundRouter } from '../call-control/inbound/inbound-router.port';
import { NumbersRouter } from '../rcml/numbers-router';
import { NotificationSink } from '../call-control/ports/notification-sink.port';
import { NotificationsService } from '../notifications/notifications.service';
import { CallsController } from './calls.controller';
import { CallsService } from './calls.service';
import { TwilioCallsController } from './twilio/twilio-calls.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([CallEntity]),
    AccountsModule,
    RcmlModule,
    IncomingNumbersModule,
    RecordingsModule,
    ClientsModule,
    DialModule,
  ],
  controllers: [CallsController, TwilioCallsController],
  providers: [
    CallsService,
    CallControlService,
    AccountClosureListener,
    CallRecords,
    { provide: InboundRouter, useClass: NumbersRouter },
    { provide: NotificationSink, useExisting: NotificationsService },
  ],
  exports: [CallsService, CallControlService],
})
export class CallsModule {}
