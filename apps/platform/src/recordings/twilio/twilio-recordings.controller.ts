import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { IsOptional, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import type { AccountEntity } from '../../accounts/account.entity';
import { BasicAuthGuard } from '../../accounts/basic-auth.guard';
import { CurrentAccount } from '../../accounts/current-account.decorator';
import { type Page, PageQueryDto } from '../../common/paging';
import { TwilioExceptionFilter } from '../../common/twilio-exception.filter';
import { twilioPageMeta, type TwilioPageMeta } from '../../common/twilio-page';
import { RecordingAccessGuard } from '../recording-access.guard';
import { requestedRecordingMedia, sendRecordingAudio } from '../recording-media';
import type { RecordingEntity } from '../recording.entity';
import { RecordingsService } from '../recordings.service';
import {
  toTwilioRecordingResponse,
  twilioRecordingsUri,
  type TwilioRecordingResponseDto,
} from './twilio-recording-response.dto';

type TwilioRecordingPage = TwilioPageMeta & { recordings: TwilioRecordingResponseDto[] };

export class ListTwilioRecordingsQueryDto extends PageQueryDto {
  @IsOptional()
  @Matches(/^CA[0-9a-f]{32}$/, { message: "The 'CallSid' parameter must be a CallSid (CA + 32 hex digits)" })
  CallSid?: string;
}

function toPage(
  recordings: RecordingsService,
  listUri: string,
  query: PageQueryDto,
  result: Page<RecordingEntity>,
  filters: Record<string, string | undefined> = {},
): TwilioRecordingPage {
  return {
    ...twilioPageMeta(listUri + '.json', query, result.items.length, result.total, filters),
    recordings: result.items.map((recording) =>
      toTwilioRecordingResponse(recording, recordings.mediaUrl(recording, 'twilio')),
    ),
  };
}

/**
 * Twilio 2010-04-01 Recordings of an account: metadata (JSON) behind Basic auth, the audio at
 * `/Recordings/{sid}` (WAV), `.wav` and `.mp3` open unless the account enforces media auth
 * (RecordingAccessGuard). The path middleware strips `.json` and leaves `.wav`/`.mp3`.
 */
@Controller('2010-04-01/Accounts/:accountSid/Recordings')
@UseGuards(RecordingAccessGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioRecordingsController {
  constructor(private readonly recordings: RecordingsService) {}

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: ListTwilioRecordingsQueryDto,
  ): Promise<TwilioRecordingPage> {
    const result = await this.recordings.list(account, query.Page, query.PageSize, query.CallSid);
    return toPage(this.recordings, twilioRecordingsUri(account.sid), query, result, {
      CallSid: query.CallSid,
    });
  }

  /** Metadata as JSON, or the audio; `@Res()` because the audio is streamed by sendFile. */
  @Get(':recording')
  async fetch(
    @Param('accountSid') accountSid: string,
    @Param('recording') target: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const media = requestedRecordingMedia(req);
    if (media) {
      await sendRecordingAudio(this.recordings, accountSid, media, res, (body) =>
        res.status(body.status).json(body),
      );
      return;
    }
    const recording = await this.recordings.get(req.account!, target);
    res.json(toTwilioRecordingResponse(recording, this.recordings.mediaUrl(recording, 'twilio')));
  }

  @Delete(':recording')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentAccount() account: AccountEntity, @Param('recording') sid: string): Promise<void> {
    await this.recordings.remove(account, sid);
  }
}

/** The Recordings subresource of one call: list, fetch, delete. */
@Controller('2010-04-01/Accounts/:accountSid/Calls/:callSid/Recordings')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioCallRecordingsController {
  constructor(private readonly recordings: RecordingsService) {}

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Query() query: PageQueryDto,
  ): Promise<TwilioRecordingPage> {
    const result = await this.recordings.list(account, query.Page, query.PageSize, callSid);
    return toPage(this.recordings, twilioRecordingsUri(account.sid, callSid), query, result);
  }

  @Get(':sid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Param('sid') sid: string,
  ): Promise<TwilioRecordingResponseDto> {
    const recording = await this.recordings.get(account, sid, callSid);
    return toTwilioRecordingResponse(recording, this.recordings.mediaUrl(recording, 'twilio'));
  }

  @Delete(':sid')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
    @Param('sid') sid: string,
  ): Promise<void> {
    await this.recordings.remove(account, sid, callSid);
  }
}
