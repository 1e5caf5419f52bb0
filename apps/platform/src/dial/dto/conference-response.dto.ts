import type { ConferenceRoom, Participant } from '../conference-rooms.service';

const base = (accountSid: string) => `/restcomm/2012-04-24/Accounts/${accountSid}/Conferences`;

export function conferencesUri(accountSid: string): string {
  return base(accountSid);
}

export function toConferenceResponse(room: ConferenceRoom, suffix = '') {
  const uri = `${base(room.accountSid)}/${room.sid}`;
  return {
    sid: room.sid,
    account_sid: room.accountSid,
    friendly_name: room.name,
    status: room.started ? 'in-progress' : 'init',
    participant_count: room.participants.size,
    date_created: room.dateCreated.toISOString(),
    api_version: '2012-04-24',
    uri: uri + suffix,
    subresource_uris: { participants: `${uri}/Participants${suffix}` },
  };
}

export function toParticipantResponse(room: ConferenceRoom, participant: Participant, suffix = '') {
  return {
    call_sid: participant.call.leg.sid,
    conference_sid: room.sid,
    account_sid: room.accountSid,
    muted: participant.muted,
    start_conference_on_enter: participant.startConferenceOnEnter,
    end_conference_on_exit: participant.endConferenceOnExit,
    status: participant.inBridge ? 'connected' : 'waiting',
    date_created: participant.joinedAt.toISOString(),
    uri: `${base(room.accountSid)}/${room.sid}/Participants/${participant.call.leg.sid}${suffix}`,
  };
}
