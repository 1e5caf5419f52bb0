import { hashKeySecret, newKeySecret, secretFingerprint, verifyKeySecret } from './api-key-secret';
import { VerifiedKeyCache } from './verified-key-cache';

describe('API key secrets', () => {
  it('are 32 url-safe characters, different every time', () => {
    const secrets = new Set(Array.from({ length: 20 }, newKeySecret));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('are stored as salted scrypt hashes that verify only the right secret', async () => {
    const secret = newKeySecret();
    const [first, second] = [await hashKeySecret(secret), await hashKeySecret(secret)];
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toContain(secret);
    // A per-key salt: the same secret never hashes alike twice.
    expect(second).not.toBe(first);
    await expect(verifyKeySecret(secret, first)).resolves.toBe(true);
    await expect(verifyKeySecret(secret, second)).resolves.toBe(true);
    await expect(verifyKeySecret(secret + 'x', first)).resolves.toBe(false);
    await expect(verifyKeySecret(secret, first.replace('scrypt', 'plain'))).resolves.toBe(false);
  });

  it('keep their cost parameters with the hash, so a stored hash of another cost still verifies', async () => {
    const cheap = await hashKeySecret('s3cret', { N: 1024, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    await expect(verifyKeySecret('s3cret', cheap)).resolves.toBe(true);
  });
});

describe('VerifiedKeyCache', () => {
  let now = 0;
  const cache = () => new VerifiedKeyCache(1000, 3, () => now);

  it('remembers a verification until it expires', () => {
    const keys = cache();
    keys.remember('SK1', secretFingerprint('a'), 'AC1');
    expect(keys.get('SK1', secretFingerprint('a'))).toBe('AC1');
    expect(keys.get('SK1', secretFingerprint('b'))).toBeNull();
    now += 1000;
    expect(keys.get('SK1', secretFingerprint('a'))).toBeNull();
  });

  it('forgets a key at once, and stays bounded', () => {
    const keys = cache();
    keys.remember('SK1', 'f1', 'AC1');
    keys.remember('SK2', 'f2', 'AC1');
    keys.forget('SK1');
    expect(keys.get('SK1', 'f1')).toBeNull();
    expect(keys.get('SK2', 'f2')).toBe('AC1');
    keys.remember('SK3', 'f3', 'AC1');
    keys.remember('SK4', 'f4', 'AC1');
    keys.remember('SK5', 'f5', 'AC1');
    expect(keys.get('SK5', 'f5')).toBe('AC1');
    expect(keys.get('SK2', 'f2')).toBeNull();
  });
});
