/** Turns text into audio Asterisk can fetch from the platform. */
export interface SpeechSource {
  prepareSpeech(request: { text: string; voice: string; language: string }): Promise<{ url: string }>;
}

/** Fetches an app server's audio through the platform and gives the URL Asterisk plays it from. */
export interface MediaSource {
  prepare(request: { accountSid: string; signingKey: string; url: string }): Promise<{ url: string }>;
}

/** Keeps recordings on the platform's side. */
export interface RecordingSink {
  store(request: {
    accountSid: string;
    callSid: string;
    durationSeconds: number;
    audio: Buffer;
    source: string;
  }): Promise<{ sid: string }>;
  mediaUrl(recording: { sid: string; accountSid: string }): string;
}
