import { loadConfig } from '../config/app-config';
import { MetricsServer } from './metrics-server';
import { PlatformMetrics } from './platform-metrics';

describe('PlatformMetrics', () => {
  it('counts failed requests by purpose, reason and HTTP code, and times every request', async () => {
    const metrics = new PlatformMetrics();
    metrics.observeWebhook('callback', 0.02);
    metrics.observeWebhook('document', 0.5, { reason: 'http-status', status: 500 });
    metrics.observeWebhook('document', 10, { reason: 'timeout' });
    const text = await metrics.text();
    expect(text).toContain(
      'callwright_webhook_failures_total{purpose="document",reason="http-status",code="500"} 1',
    );
    expect(text).toContain(
      'callwright_webhook_failures_total{purpose="document",reason="timeout",code=""} 1',
    );
    expect(text).toContain('callwright_webhook_request_seconds_count{purpose="callback",outcome="ok"} 1');
    expect(text).toContain('callwright_webhook_request_seconds_count{purpose="document",outcome="failed"} 2');
  });

  it('reads queued calls per account and the ARI state when scraped, dropping accounts with none left', async () => {
    const metrics = new PlatformMetrics();
    let queued: Array<[string, number]> = [['ACa', 3]];
    let connected = true;
    metrics.countQueuedWith(() => queued);
    metrics.readAriStateWith(() => connected);
    expect(await metrics.text()).toContain('callwright_calls_queued{account_sid="ACa"} 3');
    expect(await metrics.text()).toContain('callwright_ari_connected 1');
    queued = [];
    connected = false;
    const text = await metrics.text();
    expect(text).not.toContain('account_sid="ACa"');
    expect(text).toContain('callwright_ari_connected 0');
  });

  it('serves /metrics alone on METRICS_PORT', async () => {
    const metrics = new PlatformMetrics();
    const server = new MetricsServer(loadConfig({ METRICS_PORT: '0', HOST: '127.0.0.1' }), metrics);
    await server.onApplicationBootstrap();
    try {
      const port = server.port!;
      const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('callwright_calls_live');
      expect((await fetch(`http://127.0.0.1:${port}/2012-04-24/Accounts`)).status).toBe(404);
    } finally {
      await server.onApplicationShutdown();
    }
  });
});
