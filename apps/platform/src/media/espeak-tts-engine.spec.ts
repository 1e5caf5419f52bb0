import { existsSync } from 'node:fs';
import { EspeakTtsEngine, espeakVoiceFor } from './espeak-tts-engine';
import { parseWav } from './wav-audio';

const VOICES = new Set(['en-us', 'en-gb', 'es', 'es-419', 'fr-fr', 'de', 'cmn', 'pt', 'pt-br', 'nb', 'it']);

function header(wav: Buffer) {
  return {
    riff: wav.toString('ascii', 0, 4),
    wave: wav.toString('ascii', 8, 12),
    format: wav.readUInt16LE(20),
    channels: wav.readUInt16LE(22),
    sampleRate: wav.readUInt32LE(24),
    bits: wav.readUInt16LE(34),
    dataBytes: wav.readUInt32LE(40),
  };
}

describe('espeakVoiceFor', () => {
  it.each([
    ['man', 'en-US', 'en-us'],
    ['man', 'en', 'en-us'],
    ['woman', 'en-US', 'en-us+f3'],
    ['alice', 'en-GB', 'en-gb+f3'],
    ['man', 'en-AU', 'en-gb'],
    ['man', 'es-ES', 'es'],
    ['woman', 'es-MX', 'es-419+f3'],
    ['man', 'fr-FR', 'fr-fr'],
    ['man', 'fr-CA', 'fr-fr'],
    ['man', 'de-DE', 'de'],
    ['man', 'pt-BR', 'pt-br'],
    ['man', 'pt-PT', 'pt'],
    ['man', 'zh-CN', 'cmn'],
    ['man', 'nb-NO', 'nb'],
    ['man', 'xx-YY', 'en-us'],
    ['Polly.Joanna', 'en-US', 'en-us+f3'],
    ['Polly.Hans', 'en-US', 'de'],
    ['Polly.Matthew-Neural', 'en-US', 'en-us'],
    ['Polly.Unheard', 'it-IT', 'it+f3'],
    ['Google.fr-FR-Standard-A', 'en-US', 'fr-fr'],
  ])('maps voice %s, language %s to %s', (voice, language, expected) => {
    expect(espeakVoiceFor({ voice, language }, VOICES)).toBe(expected);
  });
});

describe('EspeakTtsEngine (runs espeak-ng)', () => {
  const engine = new EspeakTtsEngine();

  it('renders "Hello world" as 8 kHz 16-bit mono PCM WAV', async () => {
    const wav = await engine.synthesize({ text: 'Hello world', voice: 'man', language: 'en-US' });
    expect(header(wav)).toEqual({
      riff: 'RIFF',
      wave: 'WAVE',
      format: 1,
      channels: 1,
      sampleRate: 8000,
      bits: 16,
      dataBytes: wav.length - 44,
    });
    const seconds = (wav.length - 44) / 16000;
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(3);
    const samples = parseWav(wav).samples;
    expect(Math.max(...samples.map(Math.abs))).toBeGreaterThan(3000);
  });

  it('renders a woman differently from a man', async () => {
    const man = await engine.synthesize({ text: 'Good morning', voice: 'man', language: 'en-US' });
    const woman = await engine.synthesize({ text: 'Good morning', voice: 'woman', language: 'en-US' });
    expect(woman.equals(man)).toBe(false);
  });

  it('speaks text that looks like options or shell syntax literally', async () => {
    const marker = `/tmp/callwright-tts-${process.pid}`;
    const wav = await engine.synthesize({
      text: `--help $(touch ${marker}) ; rm -rf nothing`,
      voice: 'man',
      language: 'en-US',
    });
    expect(wav.length - 44).toBeGreaterThan(16000);
    expect(existsSync(marker)).toBe(false);
  });

  it('handles the longest text RCML allows', async () => {
    const text = 'This is a long announcement. '.repeat(140).slice(0, 4096);
    const started = Date.now();
    const wav = await engine.synthesize({ text, voice: 'woman', language: 'en-GB' });
    expect(header(wav).sampleRate).toBe(8000);
    expect((wav.length - 44) / 16000).toBeGreaterThan(120);
    expect(Date.now() - started).toBeLessThan(15000);
  }, 30000);
});
