import { buildToneFile, toneFrequency } from '../../../../test/factories/audio.factory';
import { buildToneWav } from '../../../../test/factories/wav.factory';
import { convertForAsterisk, detectAudio, MediaFormatError } from './audio-converter';
import { parseWav } from './wav-audio';

/** Converts and checks the one shape Asterisk gets: 8 kHz 16-bit mono PCM, with the tone intact. */
async function convertedTone(bytes: Buffer, contentType: string) {
  const wav = await convertForAsterisk(bytes, contentType);
  expect(wav.readUInt16LE(20)).toBe(1);
  expect(wav.readUInt16LE(22)).toBe(1);
  expect(wav.readUInt32LE(24)).toBe(8000);
  expect(wav.readUInt16LE(34)).toBe(16);
  const audio = parseWav(wav);
  const peak = audio.samples.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
  return {
    seconds: audio.samples.length / 8000,
    frequency: toneFrequency(audio.samples, 8000),
    peak,
  };
}

async function formatError(promise: Promise<unknown>): Promise<MediaFormatError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MediaFormatError);
  return error as MediaFormatError;
}

describe('detectAudio', () => {
  it.each([
    ['wav', buildToneWav(0.1), 'audio/x-wav'],
    ['mp3', buildToneFile('mp3', { seconds: 0.2 }), 'audio/mpeg'],
    ['gsm', buildToneFile('gsm', { seconds: 0.2 }), 'audio/x-gsm'],
    ['aiff', buildToneFile('aiff', { seconds: 0.1 }), 'audio/aiff'],
    ['flac', buildToneFile('flac', { seconds: 0.1 }), 'application/octet-stream'],
  ])('recognizes %s by its bytes', (kind, bytes, contentType) => {
    expect(detectAudio(bytes, contentType)).toBe(kind);
    // A wrong or generic audio type does not matter: the bytes decide.
    expect(detectAudio(bytes, 'audio/wav')).toBe(kind);
  });

  it('refuses content whose type is not audio, whatever the bytes', async () => {
    const error = await formatError(convertForAsterisk(buildToneWav(0.1), 'text/html; charset=utf-8'));
    expect(error.reason).toBe('not-audio');
    expect(error.message).toContain('text/html');
  });

  it('refuses audio-typed bytes that are no known format', async () => {
    const html = Buffer.from('<html><body>Not found</body></html>');
    expect((await formatError(convertForAsterisk(html, 'audio/mpeg'))).reason).toBe('undecodable');
    const truncatedGsm = buildToneFile('gsm', { seconds: 0.2 }).subarray(0, 50);
    expect((await formatError(convertForAsterisk(truncatedGsm, 'audio/x-gsm'))).message).toMatch(/GSM/);
  });

  it('reports an MP3 sox cannot decode as undecodable', async () => {
    const garbage = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(64, 0x11)]);
    expect((await formatError(convertForAsterisk(garbage, 'audio/mpeg'))).reason).toBe('undecodable');
  });
});

describe('convertForAsterisk', () => {
  it('passes 8 kHz 16-bit mono WAV through unchanged in sound', async () => {
    const source = buildToneWav(1, 440);
    const wav = await convertForAsterisk(source, 'audio/wav');
    expect(wav.equals(source)).toBe(true);
  });

  it.each([
    ['44.1 kHz stereo 16-bit', { sampleRate: 44100, channels: 2, bits: 16 }],
    ['22.05 kHz mono 8-bit', { sampleRate: 22050, bits: 8 }],
    ['48 kHz mono 24-bit', { sampleRate: 48000, bits: 24 }],
    ['16 kHz mono 32-bit', { sampleRate: 16000, bits: 32 }],
    ['8 kHz µ-law', { encoding: 'u-law', bits: 8 }],
    ['8 kHz A-law', { encoding: 'a-law', bits: 8 }],
    ['32 kHz float', { sampleRate: 32000, encoding: 'floating-point', bits: 32 }],
    ['8 kHz IMA ADPCM (through sox)', { encoding: 'ima-adpcm', bits: 4 }],
  ])('converts a %s WAV to 8 kHz mono keeping its tone', async (_label, options) => {
    const tone = await convertedTone(
      buildToneFile('wav', { seconds: 1, frequency: 440, ...options }),
      'audio/wav',
    );
    expect(tone.seconds).toBeCloseTo(1, 1);
    expect(tone.frequency).toBeGreaterThan(420);
    expect(tone.frequency).toBeLessThan(460);
    // vol 0.5 of full scale, give or take the codec.
    expect(tone.peak).toBeGreaterThan(12000);
    expect(tone.peak).toBeLessThan(20000);
  });

  it('decodes raw GSM 06.10', async () => {
    const tone = await convertedTone(buildToneFile('gsm', { seconds: 1, frequency: 500 }), 'audio/x-gsm');
    expect(tone.seconds).toBeCloseTo(1, 1);
    expect(tone.frequency).toBeGreaterThan(470);
    expect(tone.frequency).toBeLessThan(530);
  });

  it('decodes MP3 at 44.1 kHz stereo', async () => {
    const mp3 = buildToneFile('mp3', { seconds: 1.5, frequency: 600, sampleRate: 44100, channels: 2 });
    const tone = await convertedTone(mp3, 'audio/mpeg');
    // MP3 frames pad the start and the end a little.
    expect(tone.seconds).toBeGreaterThan(1.4);
    expect(tone.seconds).toBeLessThan(1.7);
    expect(tone.frequency).toBeGreaterThan(560);
    expect(tone.frequency).toBeLessThan(640);
  });

  it.each(['aiff', 'flac', 'ogg'] as const)('decodes %s at 44.1 kHz', async (type) => {
    const file = buildToneFile(type, { seconds: 1, frequency: 440, sampleRate: 44100 });
    const tone = await convertedTone(file, 'application/octet-stream');
    expect(tone.seconds).toBeCloseTo(1, 1);
    expect(tone.frequency).toBeGreaterThan(420);
    expect(tone.frequency).toBeLessThan(460);
  });

  it('decodes raw µ-law served as audio/basic', async () => {
    const wav = buildToneFile('wav', { seconds: 0.5, encoding: 'u-law', bits: 8 });
    const raw = wav.subarray(wav.indexOf('data') + 8);
    const tone = await convertedTone(raw, 'audio/basic');
    expect(tone.seconds).toBeCloseTo(0.5, 1);
    expect(tone.frequency).toBeGreaterThan(420);
    expect(tone.frequency).toBeLessThan(460);
  });

  it('refuses a WAV without samples', async () => {
    const empty = buildToneWav(0);
    expect((await formatError(convertForAsterisk(empty, 'audio/wav'))).message).toMatch(/no audio/);
  });
});
