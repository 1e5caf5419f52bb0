/** 16-bit PCM mono audio: the only shape the platform produces and Asterisk's format_wav accepts. */
export interface PcmAudio {
  sampleRate: number;
  samples: Int16Array;
}

export class WavFormatError extends Error {}

export function parseWav(wav: Buffer): PcmAudio {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavFormatError('not a RIFF/WAVE file');
  }
  let format: { audioFormat: number; channels: number; sampleRate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const declared = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= wav.length) {
      format = {
        audioFormat: wav.readUInt16LE(body),
        channels: wav.readUInt16LE(body + 2),
        sampleRate: wav.readUInt32LE(body + 4),
        bits: wav.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) throw new WavFormatError('data chunk before fmt chunk');
      if (format.audioFormat !== 1 || format.channels !== 1 || format.bits !== 16) {
        throw new WavFormatError(
          `unsupported WAV: format ${format.audioFormat}, ${format.channels} channels, ${format.bits} bits`,
        );
      }
      // Streaming writers (espeak-ng --stdout) cannot seek back, so they declare a huge size: trust the bytes.
      const end = Math.min(wav.length, body + declared);
      const samples = new Int16Array((end - body) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = wav.readInt16LE(body + i * 2);
      return { sampleRate: format.sampleRate, samples };
    }
    offset = body + declared + (declared & 1);
  }
  throw new WavFormatError('no data chunk');
}

export function encodeWav({ sampleRate, samples }: PcmAudio): Buffer {
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) wav.writeInt16LE(samples[i], 44 + i * 2);
  return wav;
}

const ZERO_CROSSINGS = 10;

/**
 * Windowed-sinc resampler for integer rates. Downsampling needs a low-pass below the new Nyquist
 * frequency or the speech's high end folds back as audible aliasing; plain decimation is not enough.
 */
export function resample(audio: PcmAudio, toRate: number): PcmAudio {
  const fromRate = audio.sampleRate;
  if (fromRate === toRate) return { sampleRate: toRate, samples: audio.samples.slice() };
  const divisor = gcd(fromRate, toRate);
  const step = fromRate / divisor;
  const phases = toRate / divisor;
  // Cycles per input sample, a little under the output's Nyquist frequency to leave room for the filter's slope.
  const cutoff = 0.5 * Math.min(1, toRate / fromRate) * 0.92;
  const halfWidth = Math.ceil(ZERO_CROSSINGS / (2 * cutoff));
  const kernels = new Map<number, Float64Array>();
  const kernelFor = (phase: number): Float64Array => {
    let kernel = kernels.get(phase);
    if (!kernel) {
      kernel = new Float64Array(2 * halfWidth);
      let sum = 0;
      for (let j = 0; j < kernel.length; j++) {
        const distance = j - halfWidth + 1 - phase / phases;
        const x = 2 * cutoff * distance;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const t = distance / halfWidth;
        const blackman = 0.42 + 0.5 * Math.cos(Math.PI * t) + 0.08 * Math.cos(2 * Math.PI * t);
        kernel[j] = sinc * blackman;
        sum += kernel[j];
      }
      for (let j = 0; j < kernel.length; j++) kernel[j] /= sum;
      kernels.set(phase, kernel);
    }
    return kernel;
  };
  const input = audio.samples;
  const output = new Int16Array(Math.floor((input.length * phases) / step));
  for (let n = 0; n < output.length; n++) {
    const position = n * step;
    const base = Math.floor(position / phases);
    const kernel = kernelFor(position % phases);
    const first = base - halfWidth + 1;
    let sum = 0;
    for (let j = Math.max(0, -first); j < kernel.length && first + j < input.length; j++) {
      sum += input[first + j] * kernel[j];
    }
    output[n] = Math.max(-32768, Math.min(32767, Math.round(sum)));
  }
  return { sampleRate: toRate, samples: output };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
