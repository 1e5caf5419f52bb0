import { buildRtp, parseRtp } from './rtp-packet';

describe('RTP packets', () => {
  it('reads back what it writes', () => {
    const payload = Buffer.alloc(160, 0xff);
    const packet = {
      payloadType: 0,
      sequence: 65535,
      timestamp: 4294967200,
      ssrc: 0xdeadbeef,
      marker: true,
      payload,
    };
    expect(parseRtp(buildRtp(packet))).toEqual(packet);
  });

  it('skips CSRCs, a header extension and padding', () => {
    const header = Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
    const csrc = Buffer.alloc(4);
    const extension = Buffer.from([0xbe, 0xde, 0, 1, 1, 2, 3, 4]);
    const padding = Buffer.from([0, 0, 3]);
    const parsed = parseRtp(Buffer.concat([header, csrc, extension, Buffer.from('abc'), padding]));
    expect(parsed?.payload.toString()).toBe('abc');
    expect(parsed?.sequence).toBe(1);
  });

  it('refuses what is not RTP version 2', () => {
    expect(parseRtp(Buffer.alloc(20))).toBeNull();
    expect(parseRtp(Buffer.from([0x80]))).toBeNull();
  });
});
