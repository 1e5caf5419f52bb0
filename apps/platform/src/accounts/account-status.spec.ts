import { DomainError } from '../common/domain-error';
import { assertMayCreateAccounts, assertMayUpdate } from './account-permissions';
import { AccountStatus, assertStatusChange, statusChangeRefusal } from './account-status';

const MAIN = { sid: 'AC' + '0'.repeat(32), parentSid: null };
const sub = (status: AccountStatus) => ({ sid: 'AC' + '1'.repeat(32), parentSid: MAIN.sid, status });

describe('account status transitions', () => {
  it.each([
    [AccountStatus.Active, AccountStatus.Suspended],
    [AccountStatus.Suspended, AccountStatus.Active],
    [AccountStatus.Active, AccountStatus.Closed],
    [AccountStatus.Suspended, AccountStatus.Closed],
    [AccountStatus.Active, AccountStatus.Active],
  ])('a subaccount may go from %s to %s', (from, to) => {
    expect(statusChangeRefusal(sub(from), to)).toBeNull();
  });

  it.each([AccountStatus.Active, AccountStatus.Suspended, AccountStatus.Closed])(
    'closed is permanent: closed to %s is refused',
    (to) => {
      expect(statusChangeRefusal(sub(AccountStatus.Closed), to)).toBe('A closed account cannot be changed');
    },
  );

  it('the main account cannot suspend or close itself, and may stay active', () => {
    const main = { ...MAIN, status: AccountStatus.Active };
    expect(statusChangeRefusal(main, AccountStatus.Suspended)).toMatch(/main account/);
    expect(statusChangeRefusal(main, AccountStatus.Closed)).toMatch(/main account/);
    expect(statusChangeRefusal(main, AccountStatus.Active)).toBeNull();
  });

  it('a refused change is a 400-family DomainError naming the account', () => {
    const closed = sub(AccountStatus.Closed);
    expect(() => assertStatusChange(closed, AccountStatus.Active)).toThrow(DomainError);
    expect(() => assertStatusChange(closed, AccountStatus.Active)).toThrow(
      expect.objectContaining({ code: 21000, message: expect.stringContaining(closed.sid) }),
    );
  });
});

describe('who may create and change accounts', () => {
  it('a main account creates and updates; a subaccount does neither (403/20403)', () => {
    const child = sub(AccountStatus.Active);
    expect(() => assertMayCreateAccounts(MAIN)).not.toThrow();
    expect(() => assertMayUpdate(MAIN, child)).not.toThrow();
    expect(() => assertMayCreateAccounts(child)).toThrow(expect.objectContaining({ code: 20403 }));
    expect(() => assertMayUpdate(child, child)).toThrow(expect.objectContaining({ code: 20403 }));
  });
});
