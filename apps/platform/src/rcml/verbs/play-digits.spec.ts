import { RcmlSchemaError } from '../rcml-node';
import { DIGIT_WAIT_MS, parsePlayDigits } from './play-digits';

describe('parsePlayDigits', () => {
  it('sends digits in a row together and turns each w into half a second', () => {
    expect(parsePlayDigits('1234#')).toEqual([{ kind: 'dtmf', digits: '1234#' }]);
    expect(parsePlayDigits('ww3')).toEqual([
      { kind: 'wait', ms: 2 * DIGIT_WAIT_MS },
      { kind: 'dtmf', digits: '3' },
    ]);
    expect(parsePlayDigits('1w*w#')).toEqual([
      { kind: 'dtmf', digits: '1' },
      { kind: 'wait', ms: 500 },
      { kind: 'dtmf', digits: '*' },
      { kind: 'wait', ms: 500 },
      { kind: 'dtmf', digits: '#' },
    ]);
  });

  it('takes A-D in either case as RFC 4733 events, and W as w', () => {
    expect(parsePlayDigits('abCD0')).toEqual([{ kind: 'dtmf', digits: 'ABCD0' }]);
    expect(parsePlayDigits('W9')).toEqual([
      { kind: 'wait', ms: 500 },
      { kind: 'dtmf', digits: '9' },
    ]);
  });

  it.each(['12e', '1 2', 'f', '1,2', '+1', 'x'])('refuses %p', (raw) => {
    expect(() => parsePlayDigits(raw)).toThrow(RcmlSchemaError);
  });
});
