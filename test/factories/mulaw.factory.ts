import { mulawToLinear } from '../../apps/platform/src/media/wav-decoder';

/** G.711 mu-law encoding of one 16-bit sample. */
function linearToMulaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** `seconds` of a sine tone as 8 kHz mu-law bytes: what a Media Streams app sends back. */
export function mulawTone(seconds: number, frequency: number): Buffer {
  const bytes = Buffer.alloc(Math.round(seconds * 8000));
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = linearToMulaw(Math.round(12000 * Math.sin((2 * Math.PI * frequency * i) / 8000)));
  return bytes;
}

export function decodeMulaw(bytes: Buffer): Int16Array {
  return Int16Array.from(bytes, (byte) => mulawToLinear(byte));
}
