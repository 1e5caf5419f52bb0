import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { CallEntity } from '../call-control/legs/call.entity';
import { RecordingAccessGuard } from './recording-access.guard';
import { RecordingEntity } from './recording.entity';
import { CallRecordingsController, RecordingsController } from './recordings.controller';
import { RecordingsService } from './recordings.service';
import {
  TwilioCallRecordingsController,
  TwilioRecordingsController,
} from './twilio/twilio-recordings.controller';

/** Reads calls through their entity only (no CallsModule import), so CallsModule can import this one. */
@Module({
  imports: [TypeOrmModule.forFeature([RecordingEntity, CallEntity]), AccountsModule],
  controllers: [
    RecordingsController,
    CallRecordingsController,
    TwilioRecordingsController,
    TwilioCallRecordingsController,
  ],
  providers: [RecordingsService, RecordingAccessGuard],
  exports: [RecordingsService],
})
export class RecordingsModule {}
