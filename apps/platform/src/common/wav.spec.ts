import { buildToneWav } from '../../../../test/factories/wav.factory';
import { wavDurationSeconds } from './wav';

describe('wavDurationSeconds', () => {
  it('reads the playing time from the byte rate and the data chunk', () => {
    expect(wavDurationSeconds(buildToneWav(3))).toBeCloseTo(3, 3);
    expect(wavDurationSeconds(buildToneWav(0.5, 440, 16000))).toBeCloseTo(0.5, 3);
  });

  it('counts only the bytes present when the data size claims more', () => {
    const cut = buildToneWav(2).subarray(0, 44 + 16000);
    expect(wavDurationSeconds(cut)).toBeCloseTo(1, 3);
  });

  it('is null for bytes that are not a WAV file', () => {
    expect(wavDurationSeconds(Buffer.from('not a wav file at all, really'))).toBeNull();
    expect(wavDurationSeconds(Buffer.alloc(0))).toBeNull();
  });
});
