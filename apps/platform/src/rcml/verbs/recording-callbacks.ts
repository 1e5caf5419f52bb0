import { newSid } from '../../common/sid';
import { rfc2822 } from '../../common/rfc2822';
import type { HttpMethod, VerbContext } from './verb';

/** A recording as its status callback describes it. */
export interface FinishedRecording {
  sid: string;
  url: string;
  durationSeconds: number;
  startTime: Date;
  source: 'RecordVerb' | 'DialVerb';
}

/** Twilio's recording status callback parameters for a finished (mono) recording. */
export function recordingStatusParams(recording: FinishedRecording): Record<string, string> {
  return {
    RecordingSid: recording.sid,
    RecordingUrl: recording.url,
    RecordingStatus: 'completed',
    RecordingDuration: String(recording.durationSeconds),
    RecordingChannels: '1',
    RecordingSource: recording.source,
    RecordingStartTime: rfc2822(recording.startTime)!,
  };
}

/**
 * `<Record transcribe>`: Callwright has no speech-to-text engine, so no transcription is produced;
 * the app still hears about it, as Twilio tells of a failed transcription.
 */
export async function reportFailedTranscription(
  context: VerbContext,
  callback: { url: string; method: HttpMethod },
  recording: { sid: string; url: string },
): Promise<void> {
  await context.notifyApp(callback.url, callback.method, {
    TranscriptionSid: newSid('TR'),
    TranscriptionText: '',
    TranscriptionStatus: 'failed',
    RecordingSid: recording.sid,
    RecordingUrl: recording.url,
  });
}
