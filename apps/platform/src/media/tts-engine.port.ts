export interface SpeechRequest {
  text: string;
  /** Twilio's voice: `man`, `woman`, `alice`, `Polly.<Name>`, `Google.<lang>-...`. */
  voice: string;
  /** BCP 47 tag as RCML writes it: `en-US`, `es-ES`, `fr-FR`... */
  language: string;
}

/** Turns text into audio; adapters wrap a local or remote speech engine. */
export abstract class TtsEngine {
  /** Resolves to a WAV file of 8 kHz 16-bit mono PCM, the only WAV flavour Asterisk's format_wav plays. */
  abstract synthesize(request: SpeechRequest): Promise<Buffer>;
}
