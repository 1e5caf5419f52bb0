import type { Request, Response } from 'express';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { toErrorBody, type ErrorBody } from '../common/restcomm-exception.filter';
import type { RecordingFormat, RecordingsService } from './recordings.service';

/**
 * `RE` + 32 hex digits + `.wav` or `.mp3`: the audio of a recording, as opposed to its metadata.
 * `.wav.mp3` is the MP3 too: it is what `RecordingUrl + ".mp3"` (the habit of Twilio samples) makes of
 * the RecordingUrl the Record and Dial actions send, which ends in `.wav`.
 */
export const RECORDING_MEDIA = /^(RE[0-9a-f]{32})(?:\.wav)?\.(wav|mp3)$/;

const CONTENT_TYPES: Record<RecordingFormat, string> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

export interface RecordingMediaTarget {
  sid: string;
  format: RecordingFormat;
}

export function recordingMediaTarget(target: unknown): RecordingMediaTarget | null {
  const match = typeof target === 'string' ? RECORDING_MEDIA.exec(target) : null;
  return match ? { sid: match[1], format: match[2] as RecordingFormat } : null;
}

/**
 * The audio a Recordings request asks for, or null for metadata. On Twilio's 2010-04-01 paths a
 * RecordingSid without any extension is the audio as WAV (Twilio's media_url has none); `.json`
 * (stripped by the path middleware, which notes it in `apiFormat`) is the metadata.
 */
export function requestedRecordingMedia(req: Request): RecordingMediaTarget | null {
  const target = req.params.recording;
  const explicit = recordingMediaTarget(target);
  if (explicit) return explicit;
  const twilio = req.path.startsWith('/2010-04-01/');
  if (twilio && req.apiFormat === undefined && typeof target === 'string' && /^RE[0-9a-f]{32}$/.test(target))
    return { sid: target, format: 'wav' };
  return null;
}

/**
 * Sends a recording's audio; `refuse` answers in the API family's own error shape when the file went
 * away between the lookup and the read (deleted by an operator or by a concurrent DELETE).
 */
export async function sendRecordingAudio(
  recordings: RecordingsService,
  accountSid: string,
  media: RecordingMediaTarget,
  res: Response,
  refuse: (body: ErrorBody) => void,
): Promise<void> {
  const file = await recordings.audioFile(accountSid, media.sid, media.format);
  res.setHeader('Content-Type', CONTENT_TYPES[media.format]);
  res.setHeader('Content-Disposition', `inline; filename="${media.sid}.${media.format}"`);
  await new Promise<void>((resolve) => {
    // sendFile brings Range, ETag and Last-Modified handling, which media players rely on.
    res.sendFile(file.path, { dotfiles: 'allow' }, (error?: Error) => {
      if (error && !res.headersSent) {
        res.removeHeader('Content-Disposition');
        refuse(
          toErrorBody(
            new DomainError(
              DomainErrorCode.NotFound,
              `The requested resource Recording ${media.sid} was not found`,
            ),
          ),
        );
      }
      resolve();
    });
  });
}
