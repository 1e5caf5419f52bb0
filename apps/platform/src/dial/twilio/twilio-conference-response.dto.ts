import { rfc2822 } from '../../common/rfc2822';
import type { ConferenceRoom, Participant } from '../conference-rooms.service';

const TWILIO_API_VERSION = '2010-04-01';

export function twilioConferencesUri(accountSid: string): string {
  return `/${TWILIO_API_VERSION}/Accounts/${accountSid}/Conferences`;
}

/** A live conference room as Twilio's 2010-04-01 API presents it. */
export interface TwilioConferenceResponseDto {
  sid: string;
  account_sid: string;
  friendly_name: string;
  status: string;
  region: string;
  reason_conference_ended: string | null;
  call_sid_ending_conference: string | null;
  date_created: string | null;
  date_updated: string | null;
  api_version: string;
  uri: string;
  subresource_uris: Record<string, string>;
}

export interface TwilioParticipantResponseDto {
  account_sid: string;
  call_sid: string;
  conference_sid: string;
  label: string | null;
  call_sid_to_coach: string | null;
  coaching: boolean;
  muted: boolean;
  hold: boolean;
  start_conference_on_enter: boolean;
  end_conference_on_exit: boolean;
  status: string;
  queue_time: string | null;
  date_created: string | null;
  date_updated: string | null;
  uri: string;
}

export function toTwilioConferenceResponse(room: ConferenceRoom): TwilioConferenceResponseDto {
  const uri = `${twilioConferencesUri(room.accountSid)}/${room.sid}`;
  return {
    sid: room.sid,
    account_sid: room.accountSid,
    friendly_name: room.name,
    status: room.started ? 'in-progress' : 'init',
    region: 'us1',
    reason_conference_ended: null,
    call_sid_ending_conference: null,
    date_created: rfc2822(room.dateCreated),
    date_updated: rfc2822(room.dateCreated),
    api_version: TWILIO_API_VERSION,
    uri: `${uri}.json`,
    subresource_uris: { participants: `${uri}/Participants.json` },
  };
}

export function toTwilioParticipantResponse(
  room: ConferenceRoom,
  participant: Participant,
): TwilioParticipantResponseDto {
  const callSid = participant.call.leg.sid;
  return {
    account_sid: room.accountSid,
    call_sid: callSid,
    conference_sid: room.sid,
    label: null,
    call_sid_to_coach: null,
    coaching: false,
    muted: participant.muted,
    hold: participant.held,
    start_conference_on_enter: participant.startConferenceOnEnter,
    end_conference_on_exit: participant.endConferenceOnExit,
    // Twilio has no "waiting": a participant waiting for the start is connected to the conference.
    status: 'connected',
    queue_time: '0',
    date_created: rfc2822(participant.joinedAt),
    date_updated: rfc2822(participant.joinedAt),
    uri: `${twilioConferencesUri(room.accountSid)}/${room.sid}/Participants/${callSid}.json`,
  };
}
