import { redactSecrets, sidsIn } from './log-redaction';

describe('redactSecrets', () => {
  it.each([
    [
      'POST http://alice:s3cr3t@app.example.com/rcml failed',
      'POST http://alice:***@app.example.com/rcml failed',
    ],
    ['Authorization: Basic QUN4eHg6c2VjcmV0', 'Authorization: Basic ***'],
    ['{"authorization":"Bearer abc.def.ghi"}', '{"authorization":"Bearer ***"}'],
    ['/rcml?Password=hunter2&x=1', '/rcml?Password=***&x=1'],
    ['AuthToken=0123456789abcdef0123456789abcdef', 'AuthToken=***'],
    ['token 0123456789abcdef0123456789abcdef here', 'token *** here'],
    ['SipAuthPassword: pw-42', 'SipAuthPassword: ***'],
    [
      'ASTERISK_SERVERS=[{"name":"ast1","ariPassword":"pw-7"}]',
      'ASTERISK_SERVERS=[{"name":"ast1","ariPassword":"***"}]',
    ],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('keeps SIDs, which are not secrets', () => {
    const line = 'CA0123456789abcdef0123456789abcdef of AC0123456789abcdef0123456789abcdef ended';
    expect(redactSecrets(line)).toBe(line);
  });
});

describe('sidsIn', () => {
  it('names the call and the account a line is about', () => {
    expect(sidsIn('CA0123456789abcdef0123456789abcdef: the RCML fetch failed')).toEqual({
      callSid: 'CA0123456789abcdef0123456789abcdef',
    });
    expect(sidsIn('nothing here')).toEqual({});
  });
});
