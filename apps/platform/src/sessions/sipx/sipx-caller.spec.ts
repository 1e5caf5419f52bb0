import { assertMayActFor, sipxCallerOf } from './sipx-caller';

const user = (extensionNumber: string, agent = false) => ({ accountSid: 'AC1', extensionNumber, agent });

describe('sipX callers', () => {
  it('places calls as the calling user, or as the named agent when that is the authenticated user', () => {
    expect(() => assertMayActFor(user('1001'), '1001', null)).not.toThrow();
    expect(() => assertMayActFor(user('1004', true), '1001', '1004')).not.toThrow();
  });

  it('refuses another user than the authenticated one, and an agent without the permission', () => {
    expect(() => assertMayActFor(user('1002'), '1001', null)).toThrow(/user 1002 is not 1001/);
    expect(() => assertMayActFor(user('1004'), '1001', '1004')).toThrow(/no agent permission/);
  });

  it("is the Digest guard's caller, and nobody without it", () => {
    const digest = user('1001', true);
    expect(sipxCallerOf({ sipxCaller: digest } as never)).toBe(digest);
    expect(() => sipxCallerOf({} as never)).toThrow(/authentication required/);
  });
});
