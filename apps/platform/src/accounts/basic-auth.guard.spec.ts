import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { memoryRepository } from '../../../../test/support/memory-repository';
import type { AppConfig } from '../config/app-config';
import type { AccountEntity } from './account.entity';
import { AccountLifecycle } from './account-lifecycle';
import { AccountStatus } from './account-status';
import { AccountsService } from './accounts.service';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { AuthTokenCredentialGuard, BasicAuthGuard } from './basic-auth.guard';
import { AccountLimitsService } from './account-limits.service';

const basic = (user: string, password: string) =>
  'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

function contextFor(req: Partial<Request>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
}

describe('BasicAuthGuard', () => {
  let accountRows: ReturnType<typeof memoryRepository<AccountEntity>>;
  let accounts: AccountsService;
  let keys: ApiKeysService;
  let guard: BasicAuthGuard;
  let main: AccountEntity;
  let subA: AccountEntity;
  let subB: AccountEntity;
  let otherMain: AccountEntity;
  let otherSub: AccountEntity;

  async function attempt(authorization: string | undefined, accountSid?: string) {
    const req = {
      headers: { authorization },
      params: accountSid ? { accountSid } : {},
      path: '/x',
    } as unknown as Request;
    try {
      await guard.canActivate(contextFor(req));
      return { req };
    } catch (error) {
      return { error: error as { code: number; message: string } };
    }
  }

  beforeEach(async () => {
    accountRows = memoryRepository<AccountEntity>();
    accounts = new AccountsService(
      accountRows,
      {} as AppConfig,
      new AccountLifecycle(),
      new AccountLimitsService(accountRows),
    );
    keys = new ApiKeysService(memoryRepository<ApiKeyEntity>());
    guard = new BasicAuthGuard(accounts, keys);
    main = await accounts.create('Main');
    subA = await accounts.createSubaccount(main, 'A');
    subB = await accounts.createSubaccount(main, 'B');
    otherMain = await accounts.create('Another main');
    otherSub = await accounts.createSubaccount(otherMain, 'Theirs');
  });

  it('refuses missing or wrong credentials with 401/20003', async () => {
    expect((await attempt(undefined, main.sid)).error?.code).toBe(20003);
    expect((await attempt(basic(main.sid, 'wrong'), main.sid)).error?.code).toBe(20003);
    expect((await attempt(basic('not-a-sid', main.authToken), main.sid)).error?.code).toBe(20003);
  });

  it("a suspended or closed account's own valid credentials get 20005; wrong ones still 20003", async () => {
    for (const status of [AccountStatus.Suspended, AccountStatus.Closed]) {
      await accounts.update(subA, { status: subA.status === AccountStatus.Closed ? undefined : status });
      const { error } = await attempt(basic(subA.sid, subA.authToken), subA.sid);
      expect(error).toMatchObject({ code: 20005, message: `Account ${subA.sid} is not active (${status})` });
      // The status is told only to whoever holds the credentials.
      expect((await attempt(basic(subA.sid, 'wrong'), subA.sid)).error?.code).toBe(20003);
    }
  });

  it("the main account acts on its subaccounts' paths as the subaccount", async () => {
    const { req } = await attempt(basic(main.sid, main.authToken), subA.sid);
    expect(req?.account?.sid).toBe(subA.sid);
    expect(req?.credential).toMatchObject({ kind: 'auth-token', account: { sid: main.sid } });
    // Also a suspended subaccount: the main account may still read and fix it.
    await accounts.update(subA, { status: AccountStatus.Suspended });
    expect((await attempt(basic(main.sid, main.authToken), subA.sid)).req?.account?.status).toBe('suspended');
  });

  it("a subaccount on its main account's or a sibling's path, and a main account on another family's, get 404", async () => {
    expect((await attempt(basic(subA.sid, subA.authToken), main.sid)).error?.code).toBe(20404);
    expect((await attempt(basic(subA.sid, subA.authToken), subB.sid)).error?.code).toBe(20404);
    expect((await attempt(basic(main.sid, main.authToken), otherSub.sid)).error?.code).toBe(20404);
    expect((await attempt(basic(main.sid, main.authToken), otherMain.sid)).error?.code).toBe(20404);
    expect((await attempt(basic(main.sid, main.authToken), 'ACnot-an-account')).error?.code).toBe(20404);
  });

  it('a secondary token authenticates beside the primary until promoted; then the old primary fails', async () => {
    const oldPrimary = main.authToken;
    const { secondaryAuthToken } = await accounts.createSecondaryToken(main);
    expect((await attempt(basic(main.sid, oldPrimary), main.sid)).req).toBeDefined();
    expect((await attempt(basic(main.sid, secondaryAuthToken!), main.sid)).req).toBeDefined();
    const promoted = await accounts.promoteSecondaryToken(main);
    expect(promoted.authToken).toBe(secondaryAuthToken);
    expect((await attempt(basic(main.sid, oldPrimary), main.sid)).error?.code).toBe(20003);
    expect((await attempt(basic(main.sid, secondaryAuthToken!), main.sid)).req).toBeDefined();
  });

  it('a deleted secondary token stops working', async () => {
    const { secondaryAuthToken } = await accounts.createSecondaryToken(subA);
    await accounts.deleteSecondaryToken(subA);
    expect((await attempt(basic(subA.sid, secondaryAuthToken!), subA.sid)).error?.code).toBe(20003);
    await expect(accounts.deleteSecondaryToken(subA)).rejects.toMatchObject({ code: 20404 });
  });

  it('an API key authenticates as its account, under the same path rules, and a deleted key stops at once', async () => {
    const { key, secret } = await keys.create(subA, 'ci');
    const first = await attempt(basic(key.sid, secret), subA.sid);
    expect(first.req?.account?.sid).toBe(subA.sid);
    expect(first.req?.credential?.kind).toBe('api-key');
    expect((await attempt(basic(key.sid, secret), subB.sid)).error?.code).toBe(20404);
    expect((await attempt(basic(key.sid, secret + 'x'), subA.sid)).error?.code).toBe(20003);

    // The successful verification is cached; deleting the key must still end it immediately.
    await keys.remove(subA, key.sid);
    expect((await attempt(basic(key.sid, secret), subA.sid)).error?.code).toBe(20003);
  });

  it("an API key of a suspended account is refused like the account's token", async () => {
    const { key, secret } = await keys.create(subA, 'ci');
    await accounts.update(subA, { status: AccountStatus.Suspended });
    expect((await attempt(basic(key.sid, secret), subA.sid)).error?.code).toBe(20005);
  });

  it('AuthTokenCredentialGuard lets auth tokens through and refuses API keys with 20403', async () => {
    const { key, secret } = await keys.create(main, 'ci');
    const byKey = (await attempt(basic(key.sid, secret), main.sid)).req!;
    const byToken = (await attempt(basic(main.sid, main.authToken), main.sid)).req!;
    const tokenOnly = new AuthTokenCredentialGuard();
    expect(tokenOnly.canActivate(contextFor(byToken))).toBe(true);
    expect(() => tokenOnly.canActivate(contextFor(byKey))).toThrow(expect.objectContaining({ code: 20403 }));
  });
});
