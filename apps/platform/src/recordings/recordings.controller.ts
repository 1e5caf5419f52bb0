import { Controller, Get, HttpStatus, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AccountEntity } from '../accounts/account.entity';
import { BasicAuthGuard } from '../accounts/basic-auth.guard';
import { CurrentAccount } from '../accounts/current-account.decorator';
import { formatSuffix } from '../common/api-format';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { type Page, pageMeta, PageQueryDto, sendRestcommPage } from '../common/paging';
import { RestcommExceptionFilter, toErrorBody } from '../common/restcomm-exception.filter';
import { sendRestcomm } from '../common/restcomm-response';
import { accountRecordingsUri, callRecordingsUri, toRecordingResponse } from './dto/recording-response.dto';
import { RECORDING_MEDIA, RecordingAccessGuard } from './recording-access.guard';
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
 * behind Basic auth; `/Recordings/{sid}.wav` is the audio, open (see RecordingAccessGuard).
 * The path middleware strips `.json`/`.xml` but leaves `.wav`, so one `:recording` parameter
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
    const media = RECORDING_MEDIA.exec(target);
    if (media) {
      await this.sendAudio(accountSid, media[1], req, res);
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

  private async sendAudio(accountSid: string, sid: string, req: Request, res: Response): Promise<void> {
    const file = await this.recordings.audioFile(accountSid, sid);
    res.setHeader('Content-Type', 'audio/wav');
    res.setHeader('Content-Disposition', `inline; filename="${sid}.wav"`);
    await new Promise<void>((resolve) => {
      // sendFile brings Range, ETag and Last-Modified handling, which media players rely on.
      res.sendFile(file.path, { dotfiles: 'allow' }, (error?: Error) => {
        if (error && !res.headersSent) {
          // The file went away between the lookup and the read (deleted by an operator).
          const body = toErrorBody(
            new DomainError(
              DomainErrorCode.NotFound,
              `The requested resource Recording ${sid} was not found`,
            ),
          );
          res.removeHeader('Content-Disposition');
          sendRestcomm(req, res, body.status, 'RestException', body);
        }
        resolve();
      });
    });
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
