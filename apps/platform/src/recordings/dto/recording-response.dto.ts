import { RESTCOMM_API_VERSION } from '../../common/api-version';
import type { RecordingEntity } from '../recording.entity';

export interface RecordingResponseDto {
  sid: string;
  account_sid: string;
  call_sid: string | null;
  /** Whole seconds, as a string like Twilio's. */
  duration: string;
  status: string;
  source: string;
  channels: number;
  date_created: string;
  date_updated: string;
  api_version: string;
  /** Where the audio is, relative (RestComm's `file_uri`). */
  file_uri: string;
  /** Where the audio is, absolute, fetchable without credentials. */
  media_url: string;
  uri: string;
}

export function accountRecordingsUri(accountSid: string): string {
  return `/restcomm/${RESTCOMM_API_VERSION}/Accounts/${accountSid}/Recordings`;
}

export function callRecordingsUri(accountSid: string, callSid: string): string {
  return `/restcomm/${RESTCOMM_API_VERSION}/Accounts/${accountSid}/Calls/${callSid}/Recordings`;
}

/** `mediaUrl` is RecordingsService.mediaUrl(recording), the recording's absolute URL without extension. */
export function toRecordingResponse(
  recording: RecordingEntity,
  mediaUrl: string,
  suffix = '',
): RecordingResponseDto {
  const base = `${accountRecordingsUri(recording.accountSid)}/${recording.sid}`;
  return {
    sid: recording.sid,
    account_sid: recording.accountSid,
    call_sid: recording.callSid,
    duration: String(recording.duration),
    status: recording.status,
    source: recording.source,
    channels: recording.channels,
    date_created: new Date(recording.dateCreated).toISOString(),
    date_updated: new Date(recording.dateUpdated).toISOString(),
    api_version: RESTCOMM_API_VERSION,
    file_uri: `${base}.wav`,
    media_url: `${mediaUrl}.wav`,
    uri: base + suffix,
  };
}
