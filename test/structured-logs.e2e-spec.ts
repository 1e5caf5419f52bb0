import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { HttpRecorder } from './support/http-recorder';
import { freePort, waitUntil } from './support/platform';
import { buildPlatform, PlatformProcess, startPlatformProcess } from './support/platform-process';

const URL_PASSWORD = 'url-pass-9f3c2';

/**
 * The built platform as production runs it (LOG_FORMAT=json, LOG_LEVEL=log), its output captured: a
 * call whose document URL carries credentials, and whose app server fails.
 */
describe('structured logs', () => {
  let platform: PlatformProcess;
  let appServer: HttpRecorder;
  let dataDir: string;
  const accountSid = 'AC' + randomBytes(16).toString('hex');
  const authToken = randomBytes(16).toString('hex');

  beforeAll(async () => {
    buildPlatform();
    appServer = await new HttpRecorder().start();
    dataDir = mkdtempSync(join(tmpdir(), 'callwright-logs-'));
    platform = await startPlatformProcess({
      port: await freePort(),
      dataDir,
      accountSid,
      authToken,
      env: { LOG_FORMAT: 'json', LOG_LEVEL: 'log' },
      captureOutput: true,
    });
  }, 180000);

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes JSON lines with callSid and accountSid for the call, a request id per request, and no secret', async () => {
    const url = appServer.on('/broken', { status: 500 }).replace('http://', `http://app:${URL_PASSWORD}@`);
    const created = await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${accountSid}/Calls.json`)
      .auth(accountSid, authToken)
      .set('X-Request-Id', 'req-test-42')
      .type('form')
      .send(buildCallRequest({ To: farEndUri('answer'), Url: url }))
      .expect(201);
    expect(created.headers['x-request-id']).toBe('req-test-42');
    const callSid = created.body.sid as string;

    // Complete lines only: the last one may still be on its way.
    const lines = () =>
      platform
        .output()
        .split('\n')
        .slice(0, -1)
        .filter((line) => line.trim() !== '');
    await waitUntil(
      () => lines().some((line) => line.includes(callSid) && line.includes('11200')),
      20000,
      'the failed fetch logged',
    );
    const notJson = lines().filter((line) => !/^\{.*\}$/.test(line));
    expect(notJson).toEqual([]);
    const parsed = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    const aboutCall = parsed.filter((line) => JSON.stringify(line).includes(callSid));
    expect(aboutCall.length).toBeGreaterThan(0);
    for (const line of aboutCall) expect(line).toMatchObject({ callSid, accountSid });
    expect(
      parsed.find((line) => (line.req as { url?: string } | undefined)?.url?.includes('/Calls')),
    ).toMatchObject({
      requestId: 'req-test-42',
      res: { statusCode: 201 },
    });
    const output = platform.output();
    expect(output).not.toContain(URL_PASSWORD);
    expect(output).not.toContain(authToken);
  }, 60000);
});
