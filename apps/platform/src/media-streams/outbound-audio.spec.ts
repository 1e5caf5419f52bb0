import { OutboundAudio } from './outbound-audio';

describe('OutboundAudio', () => {
  let now = 0;
  let frames: Buffer[];
  let marks: string[];
  let audio: OutboundAudio;

  beforeEach(() => {
    jest.useFakeTimers();
    now = 0;
    frames = [];
    marks = [];
    audio = new OutboundAudio(
      (frame) => frames.push(frame),
      (name) => marks.push(`${name}@${frames.length}`),
      () => now,
    );
    audio.begin();
  });
  afterEach(() => {
    audio.stop();
    jest.useRealTimers();
  });
  const advance = (ms: number) => {
    now += ms;
    audio.tick();
  };

  it('sends one 160-byte frame per 20 ms, padding the last with mu-law silence, then answers the mark', () => {
    audio.push(Buffer.alloc(400, 1));
    audio.mark('end');
    expect(frames).toHaveLength(1);
    advance(19);
    expect(frames).toHaveLength(1);
    advance(1);
    expect(frames).toHaveLength(2);
    expect(marks).toEqual([]);
    advance(20);
    expect(frames).toHaveLength(3);
    expect(frames.every((frame) => frame.length === 160)).toBe(true);
    expect([...frames[2].subarray(0, 80)].every((byte) => byte === 1)).toBe(true);
    expect([...frames[2].subarray(80)].every((byte) => byte === 0xff)).toBe(true);
    expect(marks).toEqual(['end@3']);
  });

  it('clear drops the queued audio and answers its marks at once', () => {
    audio.push(Buffer.alloc(1600, 1));
    audio.mark('a');
    audio.clear();
    expect(marks).toEqual(['a@1']);
    advance(100);
    expect(frames).toHaveLength(1);
  });

  it('only queues until begin', () => {
    const later = new OutboundAudio(
      (frame) => frames.push(frame),
      (name) => marks.push(name),
      () => now,
    );
    later.push(Buffer.alloc(320, 1));
    later.mark('m');
    now += 100;
    later.tick();
    expect(frames).toHaveLength(0);
    later.begin();
    expect(frames).toHaveLength(1);
    later.stop();
  });

  it('a mark with nothing queued is answered at once', () => {
    audio.mark('now');
    expect(marks).toEqual(['now@0']);
  });
});
