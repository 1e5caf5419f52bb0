import { isSipUri } from './validators';

describe('isSipUri', () => {
  it.each([
    'sip:answer@127.0.0.1:5070',
    'sip:answer@127.0.0.1:5070;transport=tcp',
    'sip:bob@example.com',
    'sip:+15551234@carrier.example.net;transport=UDP',
    'sip:alice@[::1]:5060',
    'sip:127.0.0.1',
  ])('accepts %s', (uri) => expect(isSipUri(uri)).toBe(true));

  it.each([
    'answer@127.0.0.1',
    'tel:+15551234',
    'sip:',
    'sip:bob@',
    'sip:bob@host;transport=sctp',
    'sip:bob@host:99999',
    'sip:bob@ho st',
    'sips:bob@host',
    42,
  ])('refuses %s', (uri) => expect(isSipUri(uri)).toBe(false));
});
