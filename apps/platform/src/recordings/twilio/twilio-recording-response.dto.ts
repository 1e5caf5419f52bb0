import { rfc2822 } from '../../common/rfc2822';
import type { RecordingEntity } from '../recording.entity';

const TWILIO_API_VERSION = '2010-04-01';

/** A recording as Twilio's 2010-04-01 API and its SDKs present it. */
export interface TwilioRecordingResponseDto {
  sid: string;
  account_sid: string;
  call_sid: string | null;
  conference_sid: string | null;
  date_created: string | null;
  date_updated: string | null;
  start_time: string | null;
  duration: string;
  price: string | null;
  price_unit: string;
  status: string;
  channels: number;
  source: string;
  error_code: number | null;
  encryption_details: null;
  api_version: string;
  /** Absolute, without extension: append `.wav` or `.mp3` for the audio. */
  media_url: string;
  uri: string;
  subresource_uris: Record<string, string>;
}

export function twilioRecordingsUri(accountSid: string, callSid?: string): string {
  const account = `/${TWILIO_API_VERSION}/Accounts/${accountSid}`;
  return callSid ? `${account}/Calls/${callSid}/Recordings` : `${account}/Recordings`;
}

/** `mediaUrl` is RecordingsService.mediaUrl(recording, 'twilio'). */
export function toTwilioRecordingResponse(
  recording: RecordingEntity,
  mediaUrl: string,
): TwilioRecordingResponseDto {
  // Stored when the recording ends: it started `duration` seconds before.
  const created = new Date(recording.dateCreated);
  return {
    sid: recording.sid,
    account_sid: recording.accountSid,
    call_sid: recording.callSid,
    conference_sid: null,
    date_created: rfc2822(created),
    date_updated: rfc2822(recording.dateUpdated),
    start_time: rfc2822(new Date(created.getTime() - recording.duration * 1000)),
    duration: String(recording.duration),
    price: null,
    price_unit: 'USD',
    status: recording.status,
    channels: recording.channels,
    source: recording.source,
    error_code: null,
    encryption_details: null,
    api_version: TWILIO_API_VERSION,
    media_url: mediaUrl,
    uri: `${twilioRecordingsUri(recording.accountSid)}/${recording.sid}.json`,
    subresource_uris: {},
  };
}
