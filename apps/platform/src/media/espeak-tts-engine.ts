import { Injectable, Logger } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { SpeechRequest, TtsEngine } from './tts-engine.port';
import { encodeWav, parseWav, resample } from './wav-audio';

export class TtsError extends Error {}

type Gender = 'male' | 'female';

const ASTERISK_RATE = 8000;
const TIMEOUT_MS = 30_000;
// About 45 kB per second of 22 kHz speech: room for far more than RCML's 4096-character limit.
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const FALLBACK_VOICE = 'en-us';

/** Where espeak-ng's name for a language differs from the tag Twilio apps send. */
const LANGUAGE_ALIASES: Record<string, string> = {
  en: 'en-us',
  'en-au': 'en-gb',
  'en-in': 'en-gb',
  'en-ie': 'en-gb',
  'en-nz': 'en-gb',
  'en-za': 'en-gb',
  'es-mx': 'es-419',
  'es-us': 'es-419',
  'fr-ca': 'fr-fr',
  'pt-pt': 'pt',
  'zh-cn': 'cmn',
  'zh-tw': 'cmn',
  'cmn-cn': 'cmn',
  'zh-hk': 'yue',
  'yue-hk': 'yue',
  'no-no': 'nb',
  'nb-no': 'nb',
  fr: 'fr-fr',
  zh: 'cmn',
  no: 'nb',
};

/** Amazon Polly voices Twilio apps name most; the voice implies its language, as on Twilio. */
const POLLY_VOICES: Record<string, [language: string, gender: Gender]> = {
  joanna: ['en-US', 'female'],
  salli: ['en-US', 'female'],
  kendra: ['en-US', 'female'],
  kimberly: ['en-US', 'female'],
  ivy: ['en-US', 'female'],
  ruth: ['en-US', 'female'],
  danielle: ['en-US', 'female'],
  matthew: ['en-US', 'male'],
  joey: ['en-US', 'male'],
  justin: ['en-US', 'male'],
  kevin: ['en-US', 'male'],
  stephen: ['en-US', 'male'],
  gregory: ['en-US', 'male'],
  amy: ['en-GB', 'female'],
  emma: ['en-GB', 'female'],
  brian: ['en-GB', 'male'],
  arthur: ['en-GB', 'male'],
  nicole: ['en-AU', 'female'],
  olivia: ['en-AU', 'female'],
  russell: ['en-AU', 'male'],
  raveena: ['en-IN', 'female'],
  aditi: ['en-IN', 'female'],
  conchita: ['es-ES', 'female'],
  lucia: ['es-ES', 'female'],
  enrique: ['es-ES', 'male'],
  sergio: ['es-ES', 'male'],
  mia: ['es-MX', 'female'],
  penelope: ['es-US', 'female'],
  lupe: ['es-US', 'female'],
  miguel: ['es-US', 'male'],
  pedro: ['es-US', 'male'],
  celine: ['fr-FR', 'female'],
  lea: ['fr-FR', 'female'],
  mathieu: ['fr-FR', 'male'],
  remi: ['fr-FR', 'male'],
  chantal: ['fr-CA', 'female'],
  gabrielle: ['fr-CA', 'female'],
  liam: ['fr-CA', 'male'],
  marlene: ['de-DE', 'female'],
  vicki: ['de-DE', 'female'],
  hans: ['de-DE', 'male'],
  daniel: ['de-DE', 'male'],
  carla: ['it-IT', 'female'],
  bianca: ['it-IT', 'female'],
  giorgio: ['it-IT', 'male'],
  adriano: ['it-IT', 'male'],
  camila: ['pt-BR', 'female'],
  vitoria: ['pt-BR', 'female'],
  ricardo: ['pt-BR', 'male'],
  thiago: ['pt-BR', 'male'],
  ines: ['pt-PT', 'female'],
  cristiano: ['pt-PT', 'male'],
  lotte: ['nl-NL', 'female'],
  ruben: ['nl-NL', 'male'],
  mizuki: ['ja-JP', 'female'],
  takumi: ['ja-JP', 'male'],
  seoyeon: ['ko-KR', 'female'],
  zhiyu: ['cmn-CN', 'female'],
  tatyana: ['ru-RU', 'female'],
  maxim: ['ru-RU', 'male'],
  ewa: ['pl-PL', 'female'],
  maja: ['pl-PL', 'female'],
  jacek: ['pl-PL', 'male'],
  jan: ['pl-PL', 'male'],
  astrid: ['sv-SE', 'female'],
  naja: ['da-DK', 'female'],
  mads: ['da-DK', 'male'],
  liv: ['nb-NO', 'female'],
  filiz: ['tr-TR', 'female'],
};

/**
 * Chooses the espeak-ng voice (`<language>` or `<language>+f3`) for a Twilio voice and language.
 * `available` holds the language names `espeak-ng --voices` lists; unknown languages fall back to
 * US English so a call still hears something rather than silence.
 */
export function espeakVoiceFor(
  request: Pick<SpeechRequest, 'voice' | 'language'>,
  available: Set<string>,
): string {
  const voice = request.voice.trim().toLowerCase();
  let language = request.language;
  let gender: Gender = voice === 'woman' || voice === 'alice' ? 'female' : 'male';
  if (voice.startsWith('polly.')) {
    const known = POLLY_VOICES[voice.slice('polly.'.length).replace(/-neural$|-generative$/, '')];
    if (known) [language, gender] = known;
    else gender = 'female';
  } else if (voice.startsWith('google.')) {
    // Google.en-US-Standard-C: the language is part of the name; the gender is not.
    const tag = /^google\.([a-z]{2,3}-[a-z]{2})-/.exec(voice);
    if (tag) language = tag[1];
  }
  const base = espeakLanguage(language, available);
  return gender === 'female' ? `${base}+f3` : base;
}

function espeakLanguage(language: string, available: Set<string>): string {
  const tag = language.trim().toLowerCase().replace(/_/g, '-');
  const primary = tag.split('-')[0];
  const candidates = [tag, LANGUAGE_ALIASES[tag], LANGUAGE_ALIASES[primary], primary];
  return candidates.find((name) => name !== undefined && available.has(name)) ?? FALLBACK_VOICE;
}

/** Runs espeak-ng on the platform's host and converts its 22 kHz output to what Asterisk plays. */
@Injectable()
export class EspeakTtsEngine extends TtsEngine {
  private readonly logger = new Logger(EspeakTtsEngine.name);
  private readonly command = 'espeak-ng';
  private voices?: Promise<Set<string>>;

  async synthesize(request: SpeechRequest): Promise<Buffer> {
    const voice = espeakVoiceFor(request, await this.availableVoices());
    // Text goes in on stdin, never as an argument: a leading '-' cannot turn into an option.
    const wav = await this.run(['--stdin', '-b', '1', '-v', voice, '--stdout'], request.text);
    return encodeWav(resample(parseWav(wav), ASTERISK_RATE));
  }

  private availableVoices(): Promise<Set<string>> {
    this.voices ??= this.run(['--voices'], '').then(
      (listing) => {
        const names = listing
          .toString('utf8')
          .split('\n')
          .slice(1)
          .map((line) => line.trim().split(/\s+/)[1])
          .filter((name): name is string => Boolean(name));
        return new Set(names);
      },
      (error: unknown) => {
        // Retry on the next call: espeak-ng may be installed while the platform runs.
        this.voices = undefined;
        throw error;
      },
    );
    return this.voices;
  }

  private run(args: string[], input: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.command,
        args,
        { encoding: 'buffer', timeout: TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          const code = (error as NodeJS.ErrnoException).code;
          const message =
            code === 'ENOENT'
              ? `${this.command} is not installed (apt-get install espeak-ng)`
              : code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
                ? `${this.command} produced more than ${MAX_OUTPUT_BYTES} bytes`
                : error.killed
                  ? `${this.command} timed out after ${TIMEOUT_MS} ms`
                  : `${this.command} failed: ${stderr.toString('utf8').trim() || error.message}`;
          this.logger.warn(message);
          reject(new TtsError(message));
        },
      );
      // espeak-ng may exit before reading all input (bad voice); the callback reports that, not EPIPE.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input, 'utf8');
    });
  }
}
