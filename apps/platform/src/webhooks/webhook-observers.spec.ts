import { redactedUrl, WebhookObservers } from './webhook-observers';

describe('webhook observers', () => {
  it('masks the user and password of a URL, and leaves others as they are', () => {
    expect(redactedUrl('https://user:pass@example.com/a?b=1')).toBe('https://***:***@example.com/a?b=1');
    expect(redactedUrl('https://token@example.com/a')).toBe('https://***@example.com/a');
    expect(redactedUrl('http://example.com/a')).toBe('http://example.com/a');
    expect(redactedUrl('not a url //user:pass@host')).toBe('not a url //***@host');
  });

  it('tells every observer, redacted, even when one of them throws', () => {
    const observers = new WebhookObservers();
    const seen: string[] = [];
    observers.add(() => {
      throw new Error('observer bug');
    });
    const stop = observers.add((exchange) =>
      seen.push(`${exchange.url} ${exchange.status} ${exchange.latencyMs}`),
    );
    const about = { method: 'POST' as const, url: 'http://u:p@h/x', callSid: 'CA1', accountSid: 'AC1' };
    expect(() => observers.tell('document', about, 0.0123456, 200, null)).not.toThrow();
    expect(seen).toEqual(['http://***:***@h/x 200 12.35']);
    stop();
    observers.tell('document', about, 0.01, 200, null);
    expect(seen).toHaveLength(1);
  });
});
