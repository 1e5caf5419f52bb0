import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { QueuesModule } from '../queues/queues.module';
import { ConferenceRoomsService } from './conference-rooms.service';
import { ConferencesController } from './conferences.controller';
import { QueueCallsService } from './queue-calls.service';
import { TwilioConferencesController } from './twilio/twilio-conferences.controller';

@Module({
  imports: [AccountsModule, QueuesModule],
  controllers: [ConferencesController, TwilioConferencesController],
  providers: [ConferenceRoomsService, QueueCallsService],
  exports: [ConferenceRoomsService, QueueCallsService],
})
export class DialModule {}
