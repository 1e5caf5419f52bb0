import {
  Body,
  Controller,
  Delete,
  Get,
  HttpStatus,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AccountEntity } from '../accounts/account.entity';
import { BasicAuthGuard } from '../accounts/basic-auth.guard';
import { CurrentAccount } from '../accounts/current-account.decorator';
import { formatSuffix } from '../common/api-format';
import { pageMeta, sendRestcommPage } from '../common/paging';
import { RestcommExceptionFilter } from '../common/restcomm-exception.filter';
import { sendRestcomm } from '../common/restcomm-response';
import { ConferenceRoomsService } from './conference-rooms.service';
import { conferencesUri, toConferenceResponse, toParticipantResponse } from './dto/conference-response.dto';
import { UpdateParticipantDto } from './dto/update-participant.dto';

/** Live conferences of an account and their participants: list, mute, remove. */
@Controller('2012-04-24/Accounts/:accountSid/Conferences')
@UseGuards(BasicAuthGuard)
@UseFilters(RestcommExceptionFilter)
export class ConferencesController {
  constructor(private readonly rooms: ConferenceRoomsService) {}

  @Get()
  list(@CurrentAccount() account: AccountEntity, @Req() req: Request, @Res() res: Response) {
    const suffix = formatSuffix(req);
    const rooms = this.rooms.list(account.sid);
    const meta = pageMeta(
      conferencesUri(account.sid) + suffix,
      rooms.length,
      rooms.length,
      0,
      Math.max(rooms.length, 1),
    );
    const items = rooms.map((room) => toConferenceResponse(room, suffix));
    sendRestcommPage(
      req,
      res,
      { json: 'conferences', xmlList: 'Conferences', xmlItem: 'Conference' },
      meta,
      items,
    );
  }

  @Get(':conferenceSid')
  fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('conferenceSid') sid: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendRestcomm(
      req,
      res,
      HttpStatus.OK,
      'Conference',
      toConferenceResponse(this.rooms.get(account.sid, sid), formatSuffix(req)),
    );
  }

  @Get(':conferenceSid/Participants')
  participants(
    @CurrentAccount() account: AccountEntity,
    @Param('conferenceSid') sid: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const suffix = formatSuffix(req);
    const room = this.rooms.get(account.sid, sid);
    const participants = [...room.participants.values()];
    const uri = `${conferencesUri(account.sid)}/${sid}/Participants${suffix}`;
    const meta = pageMeta(uri, participants.length, participants.length, 0, Math.max(participants.length, 1));
    const items = participants.map((participant) => toParticipantResponse(room, participant, suffix));
    sendRestcommPage(
      req,
      res,
      { json: 'participants', xmlList: 'Participants', xmlItem: 'Participant' },
      meta,
      items,
    );
  }

  @Get(':conferenceSid/Participants/:callSid')
  participant(
    @CurrentAccount() account: AccountEntity,
    @Param('conferenceSid') sid: string,
    @Param('callSid') callSid: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const room = this.rooms.get(account.sid, sid);
    const participant = this.rooms.participant(account.sid, sid, callSid);
    sendRestcomm(
      req,
      res,
      HttpStatus.OK,
      'Participant',
      toParticipantResponse(room, participant, formatSuffix(req)),
    );
  }

  @Post(':conferenceSid/Participants/:callSid')
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('conferenceSid') sid: string,
    @Param('callSid') callSid: string,
    @Body() body: UpdateParticipantDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const participant = await this.rooms.setMuted(account.sid, sid, callSid, body.Muted);
    const room = this.rooms.get(account.sid, sid);
    sendRestcomm(
      req,
      res,
      HttpStatus.OK,
      'Participant',
      toParticipantResponse(room, participant, formatSuffix(req)),
    );
  }

  @Delete(':conferenceSid/Participants/:callSid')
  remove(
    @CurrentAccount() account: AccountEntity,
    @Param('conferenceSid') sid: string,
    @Param('callSid') callSid: string,
    @Res() res: Response,
  ) {
    this.rooms.remove(account.sid, sid, callSid);
    res.status(HttpStatus.NO_CONTENT).end();
  }
}
