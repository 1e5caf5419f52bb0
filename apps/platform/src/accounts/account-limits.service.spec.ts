import type { Repository } from 'typeorm';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { AccountEntity } from './account.entity';
import { AccountLimitsService } from './account-limits.service';

function setup() {
  const rows = new Map<string, Partial<AccountEntity>>([
    ['AC1', { sid: 'AC1', cps: 10, maxConcurrentCalls: 200, maxQueuedCalls: 1000 }],
  ]);
  const repo = {
    findOneBy: jest.fn(async ({ sid }: { sid: string }) => rows.get(sid) ?? null),
    update: jest.fn(async ({ sid }: { sid: string }, patch: Partial<AccountEntity>) => {
      Object.assign(rows.get(sid)!, patch);
    }),
  };
  const service = new AccountLimitsService(repo as unknown as Repository<AccountEntity>);
  return { service, repo, rows };
}

describe('AccountLimitsService', () => {
  it('reads the account columns once and then answers from its cache', async () => {
    const { service, repo } = setup();
    expect(await service.limitsFor('AC1')).toEqual({
      cps: 10,
      maxConcurrentCalls: 200,
      maxQueuedCalls: 1000,
    });
    await service.limitsFor('AC1');
    expect(repo.findOneBy).toHaveBeenCalledTimes(1);
  });

  it('re-reads limits another node changed and tells its listeners where the change came from', async () => {
    const { service, rows } = setup();
    const heard: Array<[number, string]> = [];
    service.onChange((_sid, limits, origin) => heard.push([limits.maxConcurrentCalls, origin]));
    await service.limitsFor('AC1');
    rows.get('AC1')!.maxConcurrentCalls = 3;
    expect((await service.limitsFor('AC1')).maxConcurrentCalls).toBe(200);
    await service.reload('AC1');
    expect((await service.limitsFor('AC1')).maxConcurrentCalls).toBe(3);
    await service.setLimits('AC1', { maxConcurrentCalls: 4 });
    expect(heard).toEqual([
      [3, 'elsewhere'],
      [4, 'here'],
    ]);
  });

  it('stores a partial change, serves it at once and tells its listeners', async () => {
    const { service, rows } = setup();
    const heard: Array<[string, number]> = [];
    service.onChange((sid, limits) => heard.push([sid, limits.cps]));
    await service.limitsFor('AC1');
    await service.setLimits('AC1', { cps: 2 });
    expect(rows.get('AC1')).toMatchObject({ cps: 2, maxConcurrentCalls: 200 });
    expect(await service.limitsFor('AC1')).toEqual({ cps: 2, maxConcurrentCalls: 200, maxQueuedCalls: 1000 });
    expect(heard).toEqual([['AC1', 2]]);
  });

  it.each([{ cps: 0 }, { cps: 1.5 }, { maxConcurrentCalls: 0 }, { maxQueuedCalls: -1 }])(
    'refuses %p with 21000 and changes nothing',
    async (change) => {
      const { service, repo } = setup();
      const attempt = service.setLimits('AC1', change);
      await expect(attempt).rejects.toBeInstanceOf(DomainError);
      await expect(attempt).rejects.toMatchObject({ code: DomainErrorCode.InvalidParameter });
      expect(repo.update).not.toHaveBeenCalled();
    },
  );

  it('answers 20404 for an unknown account', async () => {
    const { service } = setup();
    await expect(service.setLimits('AC2', { cps: 3 })).rejects.toMatchObject({
      code: DomainErrorCode.NotFound,
    });
  });
});
