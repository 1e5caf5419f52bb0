import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

/** One sample's value from Prometheus text, `undefined` when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((label) => have.includes(label)) && have.length === wanted.length)
      return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics during a real call', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const scrape = async () => {
    const response = await platform.http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return response.text;
  };

  it('counts the call live while it runs, then ended by its status, with its setup latency and the RCML fetch', async () => {
    const before = await scrape();
    expect(sample(before, 'callwright_ari_connected')).toBe(1);
    expect(sample(before, 'callwright_calls_live', { direction: 'outbound-api' }) ?? 0).toBe(0);
    const url = appServer.rcml('/pause.xml', '<Response><Pause length="3"/><Hangup/></Response>');
    const calls = new CallsClient(platform);
    const created = await calls.create(buildCallRequest({ To: farEndUri('answer'), Url: url })).expect(201);

    let during = '';
    await waitUntil(
      async () =>
        sample((during = await scrape()), 'callwright_calls_live', { direction: 'outbound-api' }) === 1,
      15000,
      'the call counted live',
    );
    expect(sample(during, 'callwright_calls_started_total', { direction: 'outbound-api' })).toBe(1);

    expect((await calls.waitForStatus(created.body.sid)).status).toBe('completed');
    let after = '';
    await waitUntil(
      async () =>
        sample((after = await scrape()), 'callwright_calls_ended_total', {
          direction: 'outbound-api',
          status: 'completed',
        }) === 1,
      10000,
      'the call counted ended',
    );
    expect(sample(after, 'callwright_calls_live', { direction: 'outbound-api' })).toBe(0);
    expect(sample(after, 'callwright_call_setup_seconds_count', { stage: 'request_to_invite' })).toBe(1);
    expect(sample(after, 'callwright_call_setup_seconds_count', { stage: 'invite_to_answer' })).toBe(1);
    expect(sample(after, 'callwright_call_setup_seconds_sum', { stage: 'invite_to_answer' })).toBeGreaterThan(
      0,
    );
    expect(
      sample(after, 'callwright_webhook_request_seconds_count', { purpose: 'document', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'callwright_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(after).toContain('callwright_nodejs_eventloop_lag_seconds');
    expect(after).not.toContain(created.body.sid);
  }, 60000);
});
