import { API_CALL_HOPS, dialLegHops, isLoop } from './hop-policy';

describe('hop policy', () => {
  it('refuses inbound calls at or over the limit only', () => {
    expect(isLoop(4, 5)).toBe(false);
    expect(isLoop(5, 5)).toBe(true);
    expect(isLoop(6, 5)).toBe(true);
    expect(isLoop(0, 1)).toBe(false);
  });

  it('a self-dialing number is refused after exactly maxHops inbound turns from outside', () => {
    const maxHops = 5;
    let inbound = 0;
    let accepted = 0;
    while (!isLoop(inbound, maxHops)) {
      accepted++;
      inbound = dialLegHops(inbound);
    }
    expect(accepted).toBe(maxHops);
  });

  it('an API call counts as the first hop', () => {
    expect(API_CALL_HOPS).toBe(1);
    expect(dialLegHops(API_CALL_HOPS)).toBe(2);
  });
});
