import { FRAME_BYTES } from './rtp-packet';

/** mu-law silence, to fill the last frame of a clip that does not end on a 20 ms boundary. */
const SILENCE = 0xff;
const FRAME_MS = 20;
/** How often due frames are looked for: the pacing error stays under this. */
const TICK_MS = 5;

type Item = { kind: 'audio'; data: Buffer } | { kind: 'mark'; name: string };

/**
 * The app's audio towards the caller, paced at one 160-byte frame every 20 ms (Asterisk plays RTP as
 * it comes: a burst would be played as fast as it arrived). Marks are answered once the audio queued
 * before them has been sent; `clear` drops the queued audio and answers the marks at once, as Twilio does.
 */
export class OutboundAudio {
  private readonly items: Item[] = [];
  private timer: NodeJS.Timeout | null = null;
  private nextFrameAt = 0;
  /** Until `begin`, what the app sends is only queued (it may send before the audio path is up). */
  private begun = false;

  constructor(
    private readonly sendFrame: (frame: Buffer) => void,
    private readonly markReached: (name: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts sending what is queued and what comes next. */
  begin(): void {
    this.begun = true;
    this.wake();
  }

  push(audio: Buffer): void {
    if (audio.length === 0) return;
    this.items.push({ kind: 'audio', data: audio });
    this.wake();
  }

  mark(name: string): void {
    this.items.push({ kind: 'mark', name });
    this.wake();
  }

  clear(): void {
    const marks = this.items.filter((item) => item.kind === 'mark');
    this.items.length = 0;
    for (const mark of marks) this.markReached(mark.name);
    this.sleep();
  }

  stop(): void {
    this.items.length = 0;
    this.sleep();
  }

  /** Sends the frames that are due; exposed for tests with their own clock. */
  tick(): void {
    if (!this.begun) return;
    while (this.now() >= this.nextFrameAt) {
      this.answerMarks();
      if (this.items.length === 0) return this.sleep();
      this.sendFrame(this.takeFrame());
      this.nextFrameAt += FRAME_MS;
      this.answerMarks();
    }
  }

  private answerMarks(): void {
    while (this.items[0]?.kind === 'mark') {
      const mark = this.items.shift() as { kind: 'mark'; name: string };
      this.markReached(mark.name);
    }
  }

  /** 160 bytes from the queued audio (a mark in the middle of a frame waits for the frame's end). */
  private takeFrame(): Buffer {
    const frame = Buffer.alloc(FRAME_BYTES, SILENCE);
    let filled = 0;
    let index = 0;
    while (filled < FRAME_BYTES && index < this.items.length) {
      const item = this.items[index];
      if (item.kind === 'mark') {
        index++;
        continue;
      }
      const take = Math.min(FRAME_BYTES - filled, item.data.length);
      item.data.copy(frame, filled, 0, take);
      filled += take;
      if (take === item.data.length) this.items.splice(index, 1);
      else item.data = item.data.subarray(take);
    }
    return frame;
  }

  private wake(): void {
    if (this.timer || !this.begun) return;
    this.nextFrameAt = Math.max(this.nextFrameAt, this.now());
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.tick();
  }

  private sleep(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
