import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import type { AccountEntity } from '../../accounts/account.entity';
import { BasicAuthGuard } from '../../accounts/basic-auth.guard';
import { CurrentAccount } from '../../accounts/current-account.decorator';
import { hasControlCharacters } from '../../common/control-characters';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { TwilioExceptionFilter } from '../../common/twilio-exception.filter';
import { ConferenceRoomsService } from '../../dial/conference-rooms.service';
import { twilioConferencesUri } from '../../dial/twilio/twilio-conference-response.dto';
import { CallsService } from '../calls.service';
import { TwilioCreateParticipantDto } from '../dto/twilio-create-participant.dto';
import { participantCallRequest } from './twilio-participant-request';

const CONFERENCE_SID = /^CF[0-9a-f]{32}$/;

/** What Twilio answers a participant create with, while the participant's call is still being placed. */
export interface TwilioNewParticipantDto {
  account_sid: string;
  call_sid: string;
  conference_sid: string | null;
  label: string | null;
  status: 'queued';
  muted: boolean;
  hold: boolean;
  start_conference_on_enter: boolean;
  end_conference_on_exit: boolean;
  coaching: boolean;
  call_sid_to_coach: null;
  date_created: string;
  date_updated: string;
  uri: string;
}

/**
 * Participants.create: dials `To` and, once it answers, puts it in the conference (named by its CF sid
 * while it is live, or by its friendly name, which creates it as `<Dial><Conference>` would).
 */
@Controller('2010-04-01/Accounts/:accountSid/Conferences')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioParticipantsController {
  constructor(
    private readonly calls: CallsService,
    private readonly rooms: ConferenceRoomsService,
  ) {}

  @Post(':conference/Participants')
  @HttpCode(HttpStatus.CREATED)
  async create(
    @CurrentAccount() account: AccountEntity,
    @Param('conference') conference: string,
    @Body() body: TwilioCreateParticipantDto,
  ): Promise<TwilioNewParticipantDto> {
    const name = conference.replace(/\.json$/, '');
    const room = CONFERENCE_SID.test(name) ? this.rooms.get(account.sid, name) : null;
    if (!room && (name.length === 0 || name.length > 128 || hasControlCharacters(name)))
      throw new DomainError(
        DomainErrorCode.InvalidParameter,
        'A conference is named by its CF sid or its friendly name',
      );
    const call = await this.calls.create(account, participantCallRequest(room?.name ?? name, body));
    const now = new Date().toUTCString();
    const conferenceSid = room?.sid ?? null;
    return {
      account_sid: account.sid,
      call_sid: call.sid,
      conference_sid: conferenceSid,
      label: body.Label ?? null,
      status: 'queued',
      muted: body.Muted ?? false,
      hold: false,
      start_conference_on_enter: body.StartConferenceOnEnter ?? true,
      end_conference_on_exit: body.EndConferenceOnExit ?? false,
      coaching: false,
      call_sid_to_coach: null,
      date_created: now,
      date_updated: now,
      uri: `${twilioConferencesUri(account.sid)}/${conferenceSid ?? encodeURIComponent(name)}/Participants/${call.sid}.json`,
    };
  }
}
