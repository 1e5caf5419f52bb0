import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToneOptions {
  seconds?: number;
  frequency?: number;
  sampleRate?: number;
  channels?: number;
  bits?: number;
  /** sox's name for a WAV codec: `u-law`, `a-law`, `floating-point`, `ima-adpcm`... */
  encoding?: string;
}

/** A tone encoded by sox (the tool the platform decodes MP3 and GSM with): `mp3`, `gsm`, `wav`... */
export function buildToneFile(
  type: 'mp3' | 'gsm' | 'wav' | 'aiff' | 'flac' | 'ogg',
  options: ToneOptions = {},
): Buffer {
  const { seconds = 1, frequency = 440, sampleRate = 8000, channels = 1, bits, encoding } = options;
  const folder = mkdtempSync(join(tmpdir(), 'callwright-tone-'));
  // A real file, so sox can seek back and write the true length into headers.
  const file = join(folder, `tone.${type}`);
  try {
    execFileSync('sox', [
      '-V1',
      '-n',
      '-r',
      String(sampleRate),
      '-c',
      String(channels),
      ...(bits ? ['-b', String(bits)] : []),
      ...(encoding ? ['-e', encoding] : []),
      file,
      'synth',
      String(seconds),
      'sine',
      String(frequency),
      'vol',
      '0.5',
    ]);
    return readFileSync(file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Hz of the dominant tone, from the rate of zero crossings: enough to tell a tone survived decoding.
 * Only swings past ±`threshold` count, so codec noise around zero does not add crossings.
 */
export function toneFrequency(samples: Int16Array, sampleRate: number, threshold = 1000): number {
  let crossings = 0;
  let side = 0;
  for (const sample of samples) {
    const now = sample > threshold ? 1 : sample < -threshold ? -1 : side;
    if (side !== 0 && now !== side) crossings++;
    side = now;
  }
  return (crossings / 2) * (sampleRate / samples.length);
}
