import { callEnd } from './call-end-time';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

describe('callEnd', () => {
  it('bills the whole seconds from answer to end, rounded', () => {
    expect(callEnd({ startTime: at(0), answerTime: at(5) }, new Date(at(20).getTime() + 600))).toEqual({
      endTime: new Date(at(20).getTime() + 600),
      duration: 16,
    });
  });

  it('never ends an answered call before its answer', () => {
    expect(callEnd({ startTime: at(0), answerTime: at(5) }, at(3))).toEqual({ endTime: at(5), duration: 0 });
  });

  it('never ends an unanswered call before it was placed, and bills nothing', () => {
    expect(callEnd({ startTime: at(10), answerTime: null }, at(2))).toEqual({ endTime: at(10), duration: 0 });
    expect(callEnd({ startTime: null, answerTime: null }, at(2))).toEqual({ endTime: at(2), duration: 0 });
  });
});
