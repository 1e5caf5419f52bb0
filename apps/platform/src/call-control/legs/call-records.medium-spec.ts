import { DataSource, QueryRunner } from 'typeorm';
import { RunningPlatform, startPlatform } from '../../../../../test/support/platform';
import { FakeTelephonyGateway } from '../../telephony/testing/fake-telephony-gateway';
import { CallEntity } from './call.entity';
import { CallRecords } from './call-records';
import { CallDirection, CallStatus } from './call-status';

/** The statements each record write costs, on the database of the project (SQLite or PostgreSQL). */
describe('CallRecords writes', () => {
  let platform: RunningPlatform;
  let records: CallRecords;
  let dataSource: DataSource;
  let statements: string[];
  let spy: jest.SpyInstance;

  beforeAll(async () => {
    platform = await startPlatform(
      { ARI_PASSWORD: 'medium-tests-use-no-ari' },
      { gateway: new FakeTelephonyGateway() },
    );
    records = platform.app.get(CallRecords);
    dataSource = platform.app.get(DataSource);
    const runner = dataSource.createQueryRunner();
    const proto = Object.getPrototypeOf(runner) as QueryRunner;
    await runner.release();
    const query = proto.query;
    spy = jest.spyOn(proto, 'query').mockImplementation(function (this: QueryRunner, sql: string, ...rest) {
      statements.push(sql);
      return query.call(this, sql, ...(rest as []));
    });
  });

  afterAll(async () => {
    spy?.mockRestore();
    await platform?.close();
  });

  beforeEach(() => (statements = []));

  const newRecord = () =>
    records.create({
      accountSid: platform.accountSid,
      to: 'sip:answer@127.0.0.1:5070',
      from: '+15550001111',
      direction: CallDirection.OutboundApi,
      apiVersion: '2012-04-24',
      url: 'http://127.0.0.1:1/rcml',
      statusCallback: undefined,
    });

  it('creates a record with one INSERT, holding in memory what was stored (column defaults included)', async () => {
    const call = await newRecord();
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^INSERT INTO "calls"/);
    expect(call).toMatchObject({ status: CallStatus.Queued, method: 'POST', timeout: 60 });
    expect(call.dateUpdated).toEqual(call.dateCreated);
    const stored = await dataSource.getRepository(CallEntity).findOneByOrFail({ sid: call.sid });
    for (const key of ['method', 'fallbackMethod', 'statusCallbackMethod', 'timeout', 'status', 'to'] as const)
      expect(stored[key]).toEqual(call[key]);
    expect(stored.dateCreated.getTime()).toBe(call.dateCreated.getTime());
  });

  it('stores a state change with its patch in one UPDATE', async () => {
    const call = await newRecord();
    statements = [];
    expect(await records.transition(call, { type: 'ringing' }, { sipCallId: 'abc@host' })).toBe(true);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^UPDATE "calls" SET/);
    const stored = await dataSource.getRepository(CallEntity).findOneByOrFail({ sid: call.sid });
    expect(stored).toMatchObject({ status: CallStatus.Ringing, sipCallId: 'abc@host' });
  });
});
