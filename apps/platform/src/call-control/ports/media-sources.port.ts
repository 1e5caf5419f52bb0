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

/**
 * Twilio Media Streams: a call's audio to an app's WebSocket as Twilio's protocol (connected, start,
 * media, stop...), and for a bidirectional stream the app's audio back to the call.
 */
export interface MediaStreamer {
  /** Resolves once the WebSocket is open and the audio flows; rejects when the stream cannot start. */
  start(request: MediaStreamRequest): Promise<MediaStreamHandle>;
}

export interface MediaStreamRequest {
  accountSid: string;
  callSid: string;
  channelId: string;
  /** The account's auth token: the WebSocket handshake carries X-Twilio-Signature like a webhook. */
  signingKey: string;
  /** `wss://` or `ws://`; it passes the same address policy as webhooks. */
  url: string;
  name: string | null;
  /** Whose audio: the caller's (inbound), what is played to the caller (outbound), or both. */
  track: 'inbound_track' | 'outbound_track' | 'both_tracks';
  parameters: Record<string, string>;
  /** `<Connect><Stream>`: the call's audio both ways, the app's media played to the caller. */
  bidirectional: boolean;
  /** Digits the caller presses while the stream runs (for the `dtmf` message); returns the unsubscribe. */
  onDigit(listener: (digit: string) => void): () => void;
  /** Aborts when the call ends: the stream stops. */
  signal: AbortSignal;
}

export interface MediaStreamHandle {
  streamSid: string;
  /** Settles when the stream is over: the app closed the WebSocket, `stop()` was called or the call ended. */
  ended: Promise<void>;
  stop(): Promise<void>;
}
