/** Where a whole-call recording's status callbacks go (Twilio's RecordingStatusCallback*). */
export interface RecordingCallback {
  url: string;
  method: 'GET' | 'POST';
  /** Twilio's RecordingStatusCallbackEvent: which of in-progress, completed, absent are sent. */
  events: Array<'in-progress' | 'completed' | 'absent'>;
}

/** Twilio's `Record` on Calls.create: the whole call is recorded from the moment it is answered. */
export interface CallRecordingSettings {
  /** What is heard: `inbound` (the far end), `outbound` (what the platform plays) or `both`. */
  track: 'inbound' | 'outbound' | 'both';
  /** Asked for; the recording is always one mixed channel (see README). */
  channels: 'mono' | 'dual';
  trim: 'trim-silence' | 'do-not-trim';
  callback: RecordingCallback | null;
}

/** What an outbound call does once answered, beside its document; stored with the call (`call_options`). */
export interface CallOptions {
  /** Twilio's SendDigits: DTMF sent after answer, before the document runs (`w` 0.5 s, `W` 1 s). */
  sendDigits?: string;
  /** Twilio's TimeLimit: seconds from answer after which the call is hung up. */
  timeLimitSeconds?: number;
  record?: CallRecordingSettings;
}

export function storedCallOptions(stored: string | null | undefined): CallOptions {
  if (!stored) return {};
  try {
    return JSON.parse(stored) as CallOptions;
  } catch {
    return {};
  }
}

/** The JSON a record keeps, or null when there is nothing to keep. */
export function callOptionsColumn(options: CallOptions): string | null {
  const kept = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return Object.keys(kept).length > 0 ? JSON.stringify(kept) : null;
}
