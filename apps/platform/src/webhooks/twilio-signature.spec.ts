import fc from 'fast-check';
import { validateRequest } from 'twilio';
import { twilioSignature } from './twilio-signature';

const TOKEN = 'auth-token-0123456789abcdef';

describe('twilioSignature', () => {
  it('covers the URL and every sorted name+value pair', () => {
    const params = { b: '2', B: '1', a: '' };
    const signature = twilioSignature(TOKEN, 'https://example.com/rcml?x=1', params);
    expect(validateRequest(TOKEN, signature, 'https://example.com/rcml?x=1', params)).toBe(true);
    expect(signature).not.toBe(
      twilioSignature(TOKEN, 'https://example.com/rcml?x=1', { B: '1', a: '', b: '3' }),
    );
  });

  it('signs only the URL when there are no form params', () => {
    const url = 'http://127.0.0.1:8000/rcml?CallSid=CA1&From=%2B1555';
    expect(validateRequest(TOKEN, twilioSignature(TOKEN, url, null), url, {})).toBe(true);
  });

  it('agrees with twilio.validateRequest for arbitrary params and query strings', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    fc.assert(
      fc.property(
        fc.dictionary(text, text, { noNullPrototype: true, maxKeys: 8 }),
        fc.dictionary(text, text, { noNullPrototype: true, maxKeys: 4 }),
        (params, query) => {
          const search = new URLSearchParams(query).toString();
          const url = `https://app.example.com:8443/voice${search ? `?${search}` : ''}`;
          expect(validateRequest(TOKEN, twilioSignature(TOKEN, url, params), url, params)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
