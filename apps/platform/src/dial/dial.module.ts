import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ConferenceRoomsService } from './conference-rooms.service';
import { ConferencesController } from './conferences.controller';
import { TwilioConferencesController } from './twilio/twilio-conferences.controller';

@Module({
  imports: [AccountsModule],
  controllers: [ConferencesController, TwilioConferencesController],
  providers: [ConferenceRoomsService],
  exports: [ConferenceRoomsService],
})
export class DialModule {}
