import { Body, Controller, HttpCode, Param, Patch, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { BearerRequest, BearerTokenGuard } from '../bearer-token.guard';
import { RcRecording, RecordingUpdateDto } from './dto/telephony-recording.dto';
import { RingcentralExceptionFilter } from './ringcentral-exception.filter';
import { accountHolder } from './telephony-sessions.controller';
import { TelephonyRecordingsService } from './telephony-recordings.service';

interface RecordingPath {
  accountId: string;
  sessionId: string;
  partyId: string;
  recordingId?: string;
}

/**
 * RingCentral's call recording of a party: `POST .../recordings` starts recording the call (201),
 * `PATCH .../recordings/{id}` `{ active }` pauses or resumes it. The result is a platform Recording.
 */
@Controller('restapi/v1.0/account/:accountId/telephony/sessions/:sessionId/parties/:partyId/recordings')
@UseFilters(RingcentralExceptionFilter)
@UseGuards(BearerTokenGuard)
export class TelephonyRecordingsController {
  constructor(private readonly recordings: TelephonyRecordingsService) {}

  @Post()
  @HttpCode(201)
  start(@Req() req: BearerRequest, @Param() path: RecordingPath): Promise<RcRecording> {
    return this.recordings.start(accountHolder(req, path.accountId), path.sessionId, path.partyId);
  }

  @Patch(':recordingId')
  update(
    @Req() req: BearerRequest,
    @Param() path: RecordingPath,
    @Body() body: RecordingUpdateDto,
  ): Promise<RcRecording> {
    return this.recordings.update(
      accountHolder(req, path.accountId),
      path.sessionId,
      path.partyId,
      path.recordingId!,
      body.active,
    );
  }
}
