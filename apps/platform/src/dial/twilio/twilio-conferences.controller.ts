import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { AccountEntity } from '../../accounts/account.entity';
import { BasicAuthGuard } from '../../accounts/basic-auth.guard';
import { CurrentAccount } from '../../accounts/current-account.decorator';
import { TwilioExceptionFilter } from '../../common/twilio-exception.filter';
import { twilioPageMeta, type TwilioPageMeta } from '../../common/twilio-page';
import { ConferenceRoom, ConferenceRoomsService } from '../conference-rooms.service';
import {
  ListTwilioConferencesQueryDto,
  ListTwilioParticipantsQueryDto,
  UpdateTwilioConferenceDto,
  UpdateTwilioParticipantDto,
} from './twilio-conference-requests.dto';
import {
  toTwilioConferenceResponse,
  toTwilioParticipantResponse,
  twilioConferencesUri,
  type TwilioConferenceResponseDto,
  type TwilioParticipantResponseDto,
} from './twilio-conference-response.dto';

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

function matches(room: ConferenceRoom, query: ListTwilioConferencesQueryDto): boolean {
  const day = utcDay(room.dateCreated);
  const status = room.started ? 'in-progress' : 'init';
  return (
    (query.FriendlyName === undefined || room.name === query.FriendlyName) &&
    (query.Status === undefined || status === query.Status) &&
    (query.DateCreated === undefined || day === query.DateCreated) &&
    (query['DateCreated<'] === undefined || day <= query['DateCreated<']) &&
    (query['DateCreated>'] === undefined || day >= query['DateCreated>'])
  );
}

function page<T>(items: T[], query: { Page: number; PageSize: number }): T[] {
  return items.slice(query.Page * query.PageSize, (query.Page + 1) * query.PageSize);
}

/**
 * Twilio 2010-04-01 Conferences and Participants, JSON only: the live rooms of <Dial><Conference>
 * (ConferenceRoomsService, one mixing bridge each), newest first. Rooms live in memory while they
 * have participants, so `Status=completed` lists nothing and an ended room answers 404.
 */
@Controller('2010-04-01/Accounts/:accountSid/Conferences')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioConferencesController {
  constructor(private readonly rooms: ConferenceRoomsService) {}

  @Get()
  list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: ListTwilioConferencesQueryDto,
  ): TwilioPageMeta & { conferences: TwilioConferenceResponseDto[] } {
    const found = this.rooms
      .list(account.sid)
      .filter((room) => matches(room, query))
      .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
    const items = page(found, query);
    const filters = {
      FriendlyName: query.FriendlyName,
      Status: query.Status,
      DateCreated: query.DateCreated,
      'DateCreated<': query['DateCreated<'],
      'DateCreated>': query['DateCreated>'],
    };
    const listUri = twilioConferencesUri(account.sid) + '.json';
    return {
      ...twilioPageMeta(listUri, query, items.length, found.length, filters),
      conferences: items.map(toTwilioConferenceResponse),
    };
  }

  @Get(':sid')
  fetch(@CurrentAccount() account: AccountEntity, @Param('sid') sid: string): TwilioConferenceResponseDto {
    return toTwilioConferenceResponse(this.rooms.get(account.sid, sid));
  }

  /** `Status=completed` ends the room (calls go on with their RCML); `AnnounceUrl` plays audio to all. */
  @Post(':sid')
  @HttpCode(HttpStatus.OK)
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Body() body: UpdateTwilioConferenceDto,
  ): Promise<TwilioConferenceResponseDto> {
    let room = this.rooms.get(account.sid, sid);
    if (body.AnnounceUrl) room = await this.rooms.announce(account.sid, sid, body.AnnounceUrl);
    if (body.Status === 'completed') {
      this.rooms.end(account.sid, sid);
      return { ...toTwilioConferenceResponse(room), status: 'completed' };
    }
    return toTwilioConferenceResponse(room);
  }

  @Get(':sid/Participants')
  participants(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Query() query: ListTwilioParticipantsQueryDto,
  ): TwilioPageMeta & { participants: TwilioParticipantResponseDto[] } {
    const room = this.rooms.get(account.sid, sid);
    const found = [...room.participants.values()]
      .filter(
        (p) =>
          (query.Muted === undefined || p.muted === query.Muted) &&
          (query.Hold === undefined || p.held === query.Hold),
      )
      .sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
    const items = page(found, query);
    const listUri = `${twilioConferencesUri(account.sid)}/${sid}/Participants.json`;
    const filters = { Muted: query.Muted?.toString(), Hold: query.Hold?.toString() };
    return {
      ...twilioPageMeta(listUri, query, items.length, found.length, filters),
      participants: items.map((participant) => toTwilioParticipantResponse(room, participant)),
    };
  }

  @Get(':sid/Participants/:callSid')
  participant(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Param('callSid') callSid: string,
  ): TwilioParticipantResponseDto {
    const participant = this.rooms.participant(account.sid, sid, callSid);
    return toTwilioParticipantResponse(this.rooms.get(account.sid, sid), participant);
  }

  /** `Muted`, `Hold` (+ `HoldUrl`: audio the held participant hears, in a loop). */
  @Post(':sid/Participants/:callSid')
  @HttpCode(HttpStatus.OK)
  async updateParticipant(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Param('callSid') callSid: string,
    @Body() body: UpdateTwilioParticipantDto,
  ): Promise<TwilioParticipantResponseDto> {
    let participant = this.rooms.participant(account.sid, sid, callSid);
    if (body.Muted !== undefined)
      participant = await this.rooms.setMuted(account.sid, sid, callSid, body.Muted);
    if (body.Hold !== undefined)
      participant = await this.rooms.setHold(account.sid, sid, callSid, body.Hold, body.HoldUrl ?? null);
    return toTwilioParticipantResponse(this.rooms.get(account.sid, sid), participant);
  }

  /** Takes the participant out of the room: 204; its call goes on with its Dial action. */
  @Delete(':sid/Participants/:callSid')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Param('callSid') callSid: string,
  ): void {
    this.rooms.remove(account.sid, sid, callSid);
  }
}
