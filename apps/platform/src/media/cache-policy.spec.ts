import { freshness, parseCacheControl } from './cache-policy';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const headers = (fields: Partial<Record<'cacheControl' | 'expires' | 'date' | 'age', string>>) => ({
  cacheControl: '',
  expires: '',
  date: '',
  age: '',
  ...fields,
});

describe('parseCacheControl', () => {
  it('reads directives case-insensitively, with and without quoted values', () => {
    const directives = parseCacheControl('Public, MAX-AGE=60, s-maxage="120", no-transform');
    expect(Object.fromEntries(directives)).toEqual({
      public: '',
      'max-age': '60',
      's-maxage': '120',
      'no-transform': '',
    });
  });
});

describe('freshness', () => {
  it('keeps a copy fresh for max-age seconds', () => {
    expect(freshness(headers({ cacheControl: 'max-age=300' }), NOW)).toEqual({
      store: true,
      freshUntil: NOW + 300_000,
    });
  });

  it('counts the Age the response already had against max-age', () => {
    expect(freshness(headers({ cacheControl: 'max-age=300', age: '100' }), NOW).freshUntil).toBe(
      NOW + 200_000,
    );
    expect(freshness(headers({ cacheControl: 'max-age=300', age: '900' }), NOW).freshUntil).toBe(NOW);
  });

  it('prefers s-maxage to max-age, as a shared cache must', () => {
    expect(freshness(headers({ cacheControl: 'max-age=10, s-maxage=600' }), NOW).freshUntil).toBe(
      NOW + 600_000,
    );
  });

  it('does not keep a no-store response, whatever else it says', () => {
    expect(freshness(headers({ cacheControl: 'max-age=600, no-store' }), NOW)).toEqual({
      store: false,
      freshUntil: 0,
    });
  });

  it('keeps a no-cache response but revalidates it on every use', () => {
    expect(freshness(headers({ cacheControl: 'no-cache, max-age=600' }), NOW)).toEqual({
      store: true,
      freshUntil: 0,
    });
  });

  it('uses Expires measured against the server Date when there is no max-age', () => {
    const date = new Date(NOW - 3_600_000).toUTCString();
    const expires = new Date(NOW - 3_600_000 + 120_000).toUTCString();
    expect(freshness(headers({ expires, date }), NOW).freshUntil).toBe(NOW + 120_000);
  });

  it('treats an unparseable Expires and a missing Cache-Control as needing revalidation', () => {
    expect(freshness(headers({ expires: '0' }), NOW).freshUntil).toBeLessThanOrEqual(NOW);
    expect(freshness(headers({ expires: 'soon' }), NOW)).toEqual({ store: true, freshUntil: 0 });
    expect(freshness(headers({}), NOW)).toEqual({ store: true, freshUntil: 0 });
    expect(freshness(headers({ cacheControl: 'max-age=abc' }), NOW).freshUntil).toBe(0);
  });
});
