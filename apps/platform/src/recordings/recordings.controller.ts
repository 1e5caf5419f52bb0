import { Controller, Get, HttpStatus, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AccountEntity } from '../accounts/account.entity';
import { BasicAuthGuard } from '../accounts/basic-auth.guard';
import { CurrentAccount } from '../accounts/current-account.decorator';
import { formatSuffix } from '../common/api-format';
import { type Page, pageMeta, PageQueryDto, sendRestcommPage } from '../common/paging';
import { RestcommExceptionFilter } from '../common/restcomm-exception.filter';
import { sendRestcomm } from '../common/restcomm-response';
import { accountRecordingsUri, callRecordingsUri, toRecordingResponse } from './dto/recording-response.dto';
import { RecordingAccessGuard } from './recording-access.guard';
import { recordingMediaTarget, sendRecordingAudio } from './recording-media';
import type { RecordingEntity } from './recording.entity';
import { RecordingsService } from './recordings.service';

function sendPage(
  req: Request,
  res: Response,
  recordings: RecordingsService,
  listUri: string,
  result: Page<RecordingEntity>,
  query: PageQueryDto,
): void {
  const suffix = formatSuffix(req);
  const meta = pageMeta(listUri + suffix, result.total, result.items.length, query.Page, query.PageSize);
  sendRestcommPage(
    req,
    res,
    { json: 'recordings', xmlList: 'Recordings', xmlItem: 'Recording' },
    meta,
    result.items.map((recording) => toRecordingResponse(recording, recordings.mediaUrl(recording), suffix)),
  );
}

/**
 * RestComm 2012-04-24 Recordings of an account. `/Recordings/{sid}` (or `.json`) is the metadata,
 * behind Basic auth; `/Recordings/{sid}.wav` and `.mp3` are the audio, open (see RecordingAccessGuard).
 * The path middleware strips `.json`/`.xml` but leaves `.wav` and `.mp3`, so one `:recording` parameter
 * carries both spellings.
 */
@Controller('2012-04-24/Accounts/:accountSid/Recordings')
@UseGuards(RecordingAccessGuard)
@UseFilters(RestcommExceptionFilter)
export class RecordingsController {
  constructor(private readonly recordings: RecordingsService) {}

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: PageQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const result = await this.recordings.list(account, query.Page, query.PageSize);
    sendPage(req, res, this.recordings, accountRecordingsUri(account.sid), result, query);
  }

  @Get(':recording')
  async fetch(
    @Param('accountSid') accountSid: string,
    @Param('recording') target: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const media = recordingMediaTarget(target);
    if (media) {
      await sendRecordingAudio(this.recordings, accountSid, media, res, (body) =>
        sendRestcomm(req, res, body.status, 'RestException', body),
      );
      return;
    }
    const recording = await this.recordings.get(req.account!, target);
    sendRestcomm(
      req,
      res,
      HttpStatus.OK,
      'Recording',
      toRecordingResponse(recording, this.recordings.mediaUrl(recording), formatSuffix(req)),
    );
  }
}

/** The Recordings subresource of one call. */
@Controller('2012-04-24/Accounts/:accountSid/Calls/:callSid/Recordings')
@UseGuards(BasicAuthGuard)
@UseFilters(RestcommExceptionFilter)
export class CallRecordingsController {
  constructor(private readonly recordings: RecordingsService) {}

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Query() query: PageQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const result = await this.recordings.list(account, query.Page, query.PageSize, callSid);
    sendPage(req, res, this.recordings, callRecordingsUri(account.sid, callSid), result, query);
  }
}
