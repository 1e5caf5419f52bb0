import { memoryRepository } from '../../../../test/support/memory-repository';
import type { AccountEntity } from '../accounts/account.entity';
import { AccountLifecycle } from '../accounts/account-lifecycle';
import { AccountStatus } from '../accounts/account-status';
import { AccountsService } from '../accounts/accounts.service';
import type { AppConfig } from '../config/app-config';
import { AccountClosureListener } from './account-closure.listener';
import type { LiveCallsService } from './live-calls.service';
import type { CallModification } from '../rcml/live-modification';
import type { RcmlProgram } from '../rcml/rcml-program';
import { AccountLimitsService } from '../accounts/account-limits.service';

/** Live sessions that only record what they were asked to do. */
function liveCalls(calls: { sid: string; accountSid: string }[]) {
  const modifications: Record<string, CallModification[]> = {};
  const sessions = calls.map((call) => {
    modifications[call.sid] = [];
    return {
      leg: { snapshot: call, accountSid: call.accountSid },
      modification: {
        apply: async (change: CallModification) => void modifications[call.sid].push(change),
      },
    } as unknown as RcmlProgram;
  });
  const control = {
    liveSessionsOf: (accountSid: string) =>
      sessions.filter((session) => session.leg.accountSid === accountSid),
  } as unknown as LiveCallsService;
  return { control, modifications };
}

describe('closing an account hangs up its live calls', () => {
  let accounts: AccountsService;
  let tenant: AccountEntity;
  let neighbour: AccountEntity;
  let modifications: Record<string, CallModification[]>;

  beforeEach(async () => {
    const lifecycle = new AccountLifecycle();
    const rows = memoryRepository<AccountEntity>();
    accounts = new AccountsService(rows, {} as AppConfig, lifecycle, new AccountLimitsService(rows));
    const main = await accounts.create('Main');
    tenant = await accounts.createSubaccount(main, 'Tenant');
    neighbour = await accounts.createSubaccount(main, 'Neighbour');
    const live = liveCalls([
      { sid: 'CA1', accountSid: tenant.sid },
      { sid: 'CA2', accountSid: tenant.sid },
      { sid: 'CA3', accountSid: neighbour.sid },
    ]);
    modifications = live.modifications;
    new AccountClosureListener(lifecycle, live.control).onModuleInit();
  });

  it("ends every live call of the closed account, before the update answers, and no one else's", async () => {
    await accounts.update(tenant, { status: AccountStatus.Closed });
    expect(modifications).toEqual({
      CA1: [{ status: 'completed' }],
      CA2: [{ status: 'completed' }],
      CA3: [],
    });
  });

  it('suspending, reactivating or renaming leaves live calls alone', async () => {
    await accounts.update(tenant, { status: AccountStatus.Suspended });
    await accounts.update(tenant, { status: AccountStatus.Active });
    await accounts.update(tenant, { friendlyName: 'Renamed' });
    expect(modifications).toEqual({ CA1: [], CA2: [], CA3: [] });
  });

  it('a refused change (closing a closed account again) tells no listener', async () => {
    await accounts.update(tenant, { status: AccountStatus.Closed });
    modifications.CA1.length = 0;
    await expect(accounts.update(tenant, { status: AccountStatus.Closed })).rejects.toMatchObject({
      code: 21000,
    });
    expect(modifications.CA1).toEqual([]);
  });
});
