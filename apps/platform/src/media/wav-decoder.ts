import type { PcmAudio } from './wav-audio';

/** A WAV the decoder cannot read itself (ADPCM, GSM in WAV...): sox gets a try at it. */
export class UnsupportedWavCodecError extends Error {}

export class InvalidWavError extends Error {}

const PCM = 1;
const FLOAT = 3;
const ALAW = 6;
const MULAW = 7;
const EXTENSIBLE = 0xfffe;

interface WavFormat {
  codec: number;
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign: number;
}

/**
 * Reads the WAVs app servers usually serve: integer PCM of 8 to 32 bits, 32/64-bit float, A-law and
 * µ-law, at any rate and channel count; channels are mixed down to mono.
 */
export function decodeWav(wav: Buffer): PcmAudio {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    throw new InvalidWavError('not a RIFF/WAVE file');
  }
  let format: WavFormat | undefined;
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const declared = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 16 > wav.length) throw new InvalidWavError('truncated fmt chunk');
      format = readFormat(wav, body, declared);
    } else if (id === 'data') {
      if (!format) throw new InvalidWavError('data chunk before fmt chunk');
      // Streaming writers cannot seek back to fix the size, so they declare a huge one: trust the bytes.
      return {
        sampleRate: format.sampleRate,
        samples: decodeSamples(wav, body, Math.min(wav.length, body + declared), format),
      };
    }
    offset = body + declared + (declared & 1);
  }
  throw new InvalidWavError('no data chunk');
}

function readFormat(wav: Buffer, body: number, size: number): WavFormat {
  let codec = wav.readUInt16LE(body);
  const format: WavFormat = {
    codec,
    channels: wav.readUInt16LE(body + 2),
    sampleRate: wav.readUInt32LE(body + 4),
    blockAlign: wav.readUInt16LE(body + 12),
    bits: wav.readUInt16LE(body + 14),
  };
  if (codec === EXTENSIBLE && size >= 40 && body + 26 <= wav.length) {
    // The sub-format GUID starts with the plain format code.
    codec = wav.readUInt16LE(body + 24);
    format.codec = codec;
  }
  if (![PCM, FLOAT, ALAW, MULAW].includes(codec)) {
    throw new UnsupportedWavCodecError(`WAV format ${codec} is not PCM, float, A-law or µ-law`);
  }
  if (format.channels < 1 || format.sampleRate < 1000 || format.sampleRate > 384000) {
    throw new InvalidWavError(`WAV with ${format.channels} channels at ${format.sampleRate} Hz`);
  }
  const validBits = codec === PCM ? [8, 16, 24, 32] : codec === FLOAT ? [32, 64] : [8];
  if (!validBits.includes(format.bits) || format.blockAlign < (format.channels * format.bits) / 8) {
    throw new UnsupportedWavCodecError(`WAV format ${codec} with ${format.bits} bits per sample`);
  }
  return format;
}

function decodeSamples(wav: Buffer, start: number, end: number, format: WavFormat): Int16Array {
  const bytes = format.bits / 8;
  const frames = Math.floor((end - start) / format.blockAlign);
  const read = sampleReader(wav, format);
  const output = new Int16Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    const base = start + frame * format.blockAlign;
    let sum = 0;
    for (let channel = 0; channel < format.channels; channel++) sum += read(base + channel * bytes);
    output[frame] = clamp(Math.round(sum / format.channels));
  }
  return output;
}

/** Each reader returns one sample scaled to the 16-bit range. */
function sampleReader(wav: Buffer, format: WavFormat): (offset: number) => number {
  switch (format.codec) {
    case ALAW:
      return (offset) => ALAW_TABLE[wav[offset]];
    case MULAW:
      return (offset) => MULAW_TABLE[wav[offset]];
    case FLOAT:
      return format.bits === 32
        ? (offset) => wav.readFloatLE(offset) * 32768
        : (offset) => wav.readDoubleLE(offset) * 32768;
    default:
      switch (format.bits) {
        case 8:
          return (offset) => (wav[offset] - 128) << 8;
        case 16:
          return (offset) => wav.readInt16LE(offset);
        case 24:
          return (offset) => wav.readIntLE(offset, 3) / 256;
        default:
          return (offset) => wav.readInt32LE(offset) / 65536;
      }
  }
}

function clamp(sample: number): number {
  return Math.max(-32768, Math.min(32767, sample));
}

/** G.711 µ-law byte to linear PCM (ITU-T G.711). */
export function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

/** G.711 A-law byte to linear PCM (ITU-T G.711). */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

const MULAW_TABLE = Int16Array.from({ length: 256 }, (_, byte) => mulawToLinear(byte));
const ALAW_TABLE = Int16Array.from({ length: 256 }, (_, byte) => alawToLinear(byte));
