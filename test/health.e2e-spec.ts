import { RunningPlatform, startPlatform } from './support/platform';

describe('GET /health', () => {
  let platform: RunningPlatform | undefined;

  afterEach(async () => {
    await platform?.close();
    platform = undefined;
  });

  it('is 200 when the database and the ARI connection are both up', async () => {
    platform = await startPlatform();
    const response = await platform.http().get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', database: 'up', ari: 'up' });
    const live = await platform.http().get('/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
    const ready = await platform.http().get('/health/ready').expect(200);
    if (process.env.DATABASE_TYPE === 'postgres')
      expect(ready.body).toEqual({
        status: 'ready',
        database: 'up',
        ari: 'up',
        pool: { status: 'up', total: expect.any(Number), idle: expect.any(Number), waiting: 0 },
      });
    else expect(ready.body).toEqual({ status: 'ready', database: 'up', ari: 'up' });
  });

  it('is 503 and names ARI as down when Asterisk cannot be reached, while the API keeps serving', async () => {
    platform = await startPlatform({ ARI_URL: 'http://127.0.0.1:9' }, { waitForAri: false });
    const response = await platform.http().get('/health').expect(503);
    expect(response.body).toEqual({ status: 'degraded', database: 'up', ari: 'down' });
    await platform.http().get('/health/live').expect(200);
    const ready = await platform.http().get('/health/ready').expect(503);
    expect(ready.body).toMatchObject({ status: 'not-ready', database: 'up', ari: 'down' });
    await platform
      .http()
      .get(`/2012-04-24/Accounts/${platform.accountSid}/Calls.json`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
  });
});
