import { HOP_HEADER, parseHopCount, withHopHeader } from './hop-header';

describe('parseHopCount', () => {
  it.each([
    ['3', 3],
    [' 4 ', 4],
    ['0', 0],
  ])('reads %p as %p', (raw, hops) => expect(parseHopCount(raw)).toBe(hops));

  it.each([undefined, null, '', 'abc', '-1', '1.5', '2,3', '1234567'])(
    'treats %p as a call from outside (0)',
    (raw) => expect(parseHopCount(raw)).toBe(0),
  );

  it('caps absurd values instead of wrapping them', () => {
    expect(parseHopCount('999999')).toBe(1000);
  });
});

describe('withHopHeader', () => {
  it('adds the hop count to the caller headers', () => {
    expect(withHopHeader({ 'X-Customer': '42' }, 2)).toEqual({ 'X-Customer': '42', [HOP_HEADER]: '2' });
  });

  it('drops a caller-supplied header that would reset the count, whatever its case', () => {
    expect(withHopHeader({ 'x-callwright-hops': '0', 'X-CALLWRIGHT-HOPS': '0' }, 4)).toEqual({
      [HOP_HEADER]: '4',
    });
  });

  it('works without caller headers', () => {
    expect(withHopHeader(undefined, 1)).toEqual({ [HOP_HEADER]: '1' });
  });
});
