import { Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AccountEntity } from '../../accounts/account.entity';
import { CurrentAccount } from '../../accounts/current-account.decorator';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import type { PageMetaDto } from '../../common/paging';
import { parseCallListQuery, queryStringOf } from '../../calls/call-list-query';
import { callListPageMeta } from '../../calls/call-listing.service';
import { CallsService } from '../../calls/calls.service';
import { toCallResponse, type CallResponseDto } from '../../calls/dto/call-response.dto';
import { recordingMediaTarget, sendRecordingAudio } from '../../recordings/recording-media';
import { RecordingsService } from '../../recordings/recordings.service';
import { consoleErrorBody, ConsoleExceptionFilter } from '../console-errors';
import { CallSearchDto } from '../dto/call-search.dto';
import { ConsoleSessionGuard } from '../session/console-session.guard';
import { CallSearchService } from './call-search.service';
import { CallTimelineDto, CallTimelineService } from './call-timeline.service';

export const CONSOLE_CALLS_URI = '/console/api/calls';

/**
 * The call log is the Calls API's own listing for the session's account (same parser, same keyset
 * SQL, same rows), with its page links pointing here so the console follows them as they come.
 */
@Controller('console/api')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleCallsController {
  constructor(
    private readonly calls: CallsService,
    private readonly search: CallSearchService,
    private readonly timelines: CallTimelineService,
    private readonly recordings: RecordingsService,
  ) {}

  @Get('calls')
  async list(
    @CurrentAccount() account: AccountEntity,
    @Req() req: Request,
  ): Promise<PageMetaDto & { calls: CallResponseDto[] }> {
    const query = parseCallListQuery(queryStringOf(req.originalUrl));
    const result = await this.calls.list(account, query);
    const meta = callListPageMeta(CONSOLE_CALLS_URI, query, result);
    return { ...meta, calls: result.calls.map((call) => toCallResponse(call, '.json')) };
  }

  @Get('calls/search')
  async find(
    @CurrentAccount() account: AccountEntity,
    @Query() query: CallSearchDto,
  ): Promise<{ calls: CallResponseDto[] }> {
    const calls = await this.search.find(account, query.q.trim());
    return { calls: calls.map((call) => toCallResponse(call, '.json')) };
  }

  @Get('calls/:callSid/timeline')
  timeline(
    @CurrentAccount() account: AccountEntity,
    @Param('callSid') callSid: string,
  ): Promise<CallTimelineDto> {
    return this.timelines.timeline(account, callSid);
  }

  /** The audio for an `<audio>` element: the session authorises it, whatever EnforceMediaAuth says. */
  @Get('recordings/:recording')
  async recording(
    @CurrentAccount() account: AccountEntity,
    @Param('recording') recording: string,
    @Res() res: Response,
  ): Promise<void> {
    const media = recordingMediaTarget(recording);
    if (!media)
      throw new DomainError(
        DomainErrorCode.NotFound,
        `The requested resource Recording ${recording} was not found`,
      );
    await sendRecordingAudio(this.recordings, account.sid, media, res, (body) =>
      res.status(body.status).json(consoleErrorBody(new DomainError(body.code, body.message))),
    );
  }
}
