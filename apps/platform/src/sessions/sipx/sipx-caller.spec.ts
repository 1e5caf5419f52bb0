import { assertMayActFor, sipxCallerOf } from './sipx-caller';

const user = (extensionNumber: string | null, agent = false) => ({
  accountSid: 'AC1',
  extensionNumber,
  agent,
});

describe('sipX callers', () => {
  it('places calls as the calling user, or as the named agent when that is the authenticated user', () => {
    expect(() => assertMayActFor(user('1001'), '1001', null)).not.toThrow();
    expect(() => assertMayActFor(user('1004', true), '1001', '1004')).not.toThrow();
    expect(() => assertMayActFor(user(null), '1001', '1009')).not.toThrow();
  });

  it('refuses another user than the authenticated one, and an agent without the permission', () => {
    expect(() => assertMayActFor(user('1002'), '1001', null)).toThrow(/user 1002 is not 1001/);
    expect(() => assertMayActFor(user('1004'), '1001', '1004')).toThrow(/no agent permission/);
  });

  it("takes the Digest guard's caller first, else a Bearer token's (an account's token is an agent)", () => {
    const digest = user('1001', true);
    expect(sipxCallerOf({ sipxCaller: digest } as never)).toBe(digest);
    expect(sipxCallerOf({ bearer: { accountSid: 'AC1', extensionNumber: null } } as never)).toEqual(
      user(null, true),
    );
    expect(sipxCallerOf({ bearer: { accountSid: 'AC1', extensionNumber: '1002' } } as never)).toEqual(
      user('1002'),
    );
    expect(() => sipxCallerOf({} as never)).toThrow(/not authenticated/);
  });
});
