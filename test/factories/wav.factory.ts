import { encodeWav } from '../../apps/platform/src/media/wav-audio';

/** A short 8 kHz 16-bit mono sine tone, the shape Asterisk records in. */
export function buildToneWav(seconds = 0.25, frequency = 440, sampleRate = 8000): Buffer {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
  return encodeWav({ sampleRate, samples });
}
