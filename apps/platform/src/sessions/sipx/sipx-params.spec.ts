import { DomainError } from '../../common/domain-error';
import { parseSipxParams, sipxUser } from './sipx-params';

describe('parseSipxParams', () => {
  it("takes sipX's defaults: REFER, call, 300 s of result cache, no forwarding", () => {
    expect(parseSipxParams({})).toEqual({
      sipMethod: 'REFER',
      action: 'call',
      target: null,
      timeoutSeconds: 30,
      agent: null,
      subject: null,
      isForwardingAllowed: false,
      resultCacheSeconds: 300,
    });
  });

  it('reads the query string and the form body together, values case-insensitive', () => {
    expect(
      parseSipxParams(
        { sipMethod: 'invite', timeout: '12', subject: 'Order 42' },
        { agent: '1004', isForwardingAllowed: 'TRUE', resultCacheTime: '60' },
      ),
    ).toMatchObject({
      sipMethod: 'INVITE',
      timeoutSeconds: 12,
      subject: 'Order 42',
      agent: '1004',
      isForwardingAllowed: true,
      resultCacheSeconds: 60,
    });
    expect(parseSipxParams({ action: 'transfer', target: '1003' })).toMatchObject({
      action: 'transfer',
      target: '1003',
    });
  });

  it.each([
    [{ sipMethod: 'BYE' }, /sipMethod must be one of REFER, INVITE/],
    [{ action: 'transfer' }, /needs a target/],
    [{ timeout: '0' }, /timeout must be a number of seconds/],
    [{ timeout: '5s' }, /timeout must be a number of seconds/],
    [{ resultCacheTime: '-1' }, /resultCacheTime/],
    [{ subject: 'a\r\nX-Injected: 1' }, /subject must be one line/],
    [{ agent: 'a b' }, /agent is not a user name/],
    [{ timeout: ['5', '6'] }, /timeout must be given once/],
  ])('refuses %j', (query, message) => {
    expect(() => parseSipxParams(query)).toThrow(message);
    expect(() => parseSipxParams(query)).toThrow(DomainError);
  });

  it('refuses a parameter given differently in the query and the body', () => {
    expect(() => parseSipxParams({ timeout: '5' }, { timeout: '6' })).toThrow(/given twice/);
    expect(parseSipxParams({ timeout: '5' }, { timeout: '5' }).timeoutSeconds).toBe(5);
  });

  it('takes user names and numbers as path users, nothing that could be a dial string', () => {
    expect(sipxUser('1001', 'callingUser')).toBe('1001');
    expect(sipxUser('alice.smith', 'callingUser')).toBe('alice.smith');
    expect(() => sipxUser('PJSIP/1001', 'callingUser')).toThrow(/callingUser is not a user name/);
    expect(() => sipxUser('a@b', 'calledUser')).toThrow(/calledUser/);
  });
});
