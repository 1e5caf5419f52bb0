import { encodeWav, parseWav, resample, WavFormatError } from './wav-audio';

function tone(frequency: number, sampleRate: number, seconds: number): Int16Array {
  const samples = new Int16Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(10000 * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
  return samples;
}

function rms(samples: Int16Array): number {
  // Skip the edges, where the filter sees the zero padding.
  const middle = samples.subarray(200, samples.length - 200);
  return Math.sqrt(middle.reduce((sum, s) => sum + s * s, 0) / middle.length);
}

describe('wav-audio', () => {
  it('round-trips PCM through encode and parse', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768]);
    const parsed = parseWav(encodeWav({ sampleRate: 8000, samples }));
    expect(parsed.sampleRate).toBe(8000);
    expect(Array.from(parsed.samples)).toEqual(Array.from(samples));
  });

  it('reads a streamed WAV whose header declares more data than it has', () => {
    const wav = encodeWav({ sampleRate: 22050, samples: Int16Array.from([5, 6, 7]) });
    wav.writeUInt32LE(0x7ffff024, 4);
    wav.writeUInt32LE(0x7ffff000, 40);
    expect(Array.from(parseWav(wav).samples)).toEqual([5, 6, 7]);
  });

  it('refuses what is not 16-bit mono PCM WAV', () => {
    expect(() => parseWav(Buffer.from('hello world, not a wav'))).toThrow(WavFormatError);
    const stereo = encodeWav({ sampleRate: 8000, samples: new Int16Array(4) });
    stereo.writeUInt16LE(2, 22);
    expect(() => parseWav(stereo)).toThrow(/2 channels/);
  });

  it('keeps a 1 kHz tone at its level when going from 22050 Hz to 8000 Hz', () => {
    const output = resample({ sampleRate: 22050, samples: tone(1000, 22050, 1) }, 8000);
    expect(output.sampleRate).toBe(8000);
    expect(output.samples.length).toBe(8000);
    const expected = rms(tone(1000, 8000, 1));
    expect(Math.abs(rms(output.samples) - expected) / expected).toBeLessThan(0.02);
  });

  it('filters out what 8 kHz cannot carry instead of aliasing it', () => {
    // 6 kHz would fold back to 2 kHz without the low-pass filter.
    const output = resample({ sampleRate: 22050, samples: tone(6000, 22050, 1) }, 8000);
    expect(rms(output.samples)).toBeLessThan(rms(tone(6000, 22050, 1)) * 0.01);
  });
});
