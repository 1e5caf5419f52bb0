import { execFile } from 'node:child_process';
import { encodeWav, PcmAudio, resample } from './wav-audio';
import { decodeWav, InvalidWavError, mulawToLinear, UnsupportedWavCodecError } from './wav-decoder';

/** Asterisk's `.wav` is 8 kHz 16-bit mono signed linear: anything else it would refuse or transcode. */
export const ASTERISK_RATE = 8000;

export type AudioKind = 'wav' | 'mp3' | 'gsm' | 'aiff' | 'au' | 'flac' | 'ogg' | 'ulaw';

/** `not-audio`: the Content-Type says it is something else; `undecodable`: it says audio but is not. */
export class MediaFormatError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-audio' | 'undecodable',
  ) {
    super(message);
  }
}

/** Types app servers send for audio files besides `audio/*`; anything else (text/html...) is refused unread. */
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/ogg']);
const GSM_TYPES = new Set(['audio/gsm', 'audio/x-gsm']);
const ULAW_TYPES = new Set([
  'audio/basic',
  'audio/ulaw',
  'audio/x-ulaw',
  'audio/mulaw',
  'audio/x-mulaw',
  'audio/pcmu',
]);
const GSM_FRAME = 33;
const SOX_TIMEOUT_MS = 30_000;
// 8 kHz 16-bit mono is 57.6 MB an hour: far past any prompt, and a bound on a decompression bomb.
const MAX_DECODED_BYTES = 64 * 1024 * 1024;

export function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/** Names the format by its bytes; the Content-Type only decides for formats without a signature. */
export function detectAudio(bytes: Buffer, contentType: string): AudioKind {
  const type = mediaType(contentType);
  if (!type.startsWith('audio/') && !GENERIC_TYPES.has(type)) {
    throw new MediaFormatError(`Content-Type ${type} is not audio`, 'not-audio');
  }
  const magic = bytes.toString('latin1', 0, 4);
  if (magic === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WAVE') return 'wav';
  if (magic === 'FORM' && /^AIF[FC]$/.test(bytes.toString('latin1', 8, 12))) return 'aiff';
  if (magic === '.snd') return 'au';
  if (magic === 'fLaC') return 'flac';
  if (magic === 'OggS') return 'ogg';
  if (magic.startsWith('ID3') || (bytes.length >= 4 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0)) {
    return 'mp3';
  }
  if (isGsm(bytes)) return 'gsm';
  if (ULAW_TYPES.has(type) && bytes.length > 0) return 'ulaw';
  const hint = GSM_TYPES.has(type) ? ' (not whole GSM 06.10 frames)' : '';
  throw new MediaFormatError(
    `${bytes.length} bytes of ${type || 'untyped'} content are not a known audio format${hint}`,
    'undecodable',
  );
}

/** Raw GSM 06.10 is a run of 33-byte frames, each starting with the 0xD signature nibble. */
function isGsm(bytes: Buffer): boolean {
  if (bytes.length === 0 || bytes.length % GSM_FRAME !== 0) return false;
  for (let offset = 0; offset < bytes.length; offset += GSM_FRAME)
    if (bytes[offset] >> 4 !== 0xd) return false;
  return true;
}

/**
 * Turns a fetched file into the WAV Asterisk plays natively. PCM, float and G.711 WAVs and raw µ-law
 * are decoded here; MP3, GSM, AIFF, FLAC, Ogg and WAV codecs such as ADPCM go through sox.
 */
export async function convertForAsterisk(bytes: Buffer, contentType: string): Promise<Buffer> {
  const kind = detectAudio(bytes, contentType);
  let audio: PcmAudio;
  if (kind === 'wav') {
    try {
      audio = decodeWav(bytes);
    } catch (error) {
      if (error instanceof InvalidWavError)
        throw new MediaFormatError(`invalid WAV: ${error.message}`, 'undecodable');
      if (!(error instanceof UnsupportedWavCodecError)) throw error;
      audio = await soxDecode(bytes, 'wav');
    }
  } else if (kind === 'ulaw') {
    audio = { sampleRate: ASTERISK_RATE, samples: Int16Array.from(bytes, mulawToLinear) };
  } else {
    audio = await soxDecode(bytes, kind);
  }
  if (audio.samples.length === 0)
    throw new MediaFormatError(`the ${kind} file holds no audio`, 'undecodable');
  return encodeWav(resample(audio, ASTERISK_RATE));
}

/** sox reads the file from stdin and writes raw 8 kHz mono samples; it resamples and mixes down itself. */
function soxDecode(bytes: Buffer, kind: Exclude<AudioKind, 'ulaw'>): Promise<PcmAudio> {
  const args = [
    '-V1',
    '-t',
    kind,
    '-',
    '-t',
    'raw',
    '-e',
    'signed-integer',
    '-b',
    '16',
    '-L',
    '-c',
    '1',
    '-r',
    String(ASTERISK_RATE),
    '-',
  ];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'sox',
      args,
      { encoding: 'buffer', timeout: SOX_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: MAX_DECODED_BYTES },
      (error, stdout, stderr) => {
        if (!error) {
          const samples = new Int16Array(stdout.length >> 1);
          for (let i = 0; i < samples.length; i++) samples[i] = stdout.readInt16LE(i * 2);
          return resolve({ sampleRate: ASTERISK_RATE, samples });
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          return reject(
            new Error(`sox is not installed (apt-get install sox libsox-fmt-mp3): cannot decode ${kind}`),
          );
        }
        const detail =
          code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
            ? `decodes to more than ${MAX_DECODED_BYTES} bytes`
            : error.killed
              ? `took more than ${SOX_TIMEOUT_MS} ms to decode`
              : stderr.toString('utf8').trim().split('\n').pop() || error.message;
        reject(new MediaFormatError(`could not decode ${kind}: ${detail}`, 'undecodable'));
      },
    );
    // sox may stop reading a file it cannot parse; the exit status reports that, not EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(bytes);
  });
}
