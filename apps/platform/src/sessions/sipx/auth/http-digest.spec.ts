import {
  CALLCONTROLLER_REALM,
  DigestAlgorithm,
  DigestAuthenticator,
  digestHa1,
  digestResponse,
  NonceIssuer,
  parseDigestHeader,
  ReplayGuard,
} from './http-digest';

const SECRET = Buffer.from('a-test-secret-of-enough-length!!');
const URI = '/callcontroller/1001/1002?sipMethod=INVITE';

/** Header built by hand (not by the client under test/support) from values computed apart (Python hashlib). */
function header(
  fields: Record<string, string>,
  quoted = ['username', 'realm', 'nonce', 'uri', 'cnonce', 'response', 'opaque'],
) {
  return (
    'Digest ' +
    Object.entries(fields)
      .map(([name, value]) => (quoted.includes(name) ? `${name}="${value}"` : `${name}=${value}`))
      .join(', ')
  );
}

describe('Digest computations', () => {
  it.each([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ] as const)('reproduces the RFC 7616 3.9.1 example with %s', (algorithm, expected) => {
    const ha1 = digestHa1(algorithm, 'Mufasa', 'Circle of Life', 'http-auth@example.org');
    expect(
      digestResponse({
        algorithm,
        ha1,
        method: 'GET',
        uri: '/dir/index.html',
        nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
        nc: '00000001',
        cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
      }),
    ).toBe(expected);
  });

  it.each([
    ['MD5', '7c532b7758b8a68ca9b4419d74252a82', 'ea910a7183b37c1fba49062cd38a2291'],
    [
      'SHA-256',
      '546684fd4bcadea4815698c52faa181a28373e5738e57a7c2ac6392414119e60',
      'a087b691e747de883d5ec255da0561204edc891d64af75ff7547300ccd35b5d1',
    ],
  ] as const)('hashes an extension PIN in the callcontroller realm with %s', (algorithm, ha1, response) => {
    expect(digestHa1(algorithm, '1001', '4321')).toBe(ha1);
    expect(
      digestResponse({
        algorithm,
        ha1,
        method: 'POST',
        uri: URI,
        nonce: 'NONCE',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe(response);
  });

  it('reads quoted values with escapes and commas, and refuses what is not Digest', () => {
    expect(parseDigestHeader('Digest username="a\\"b", uri="/x?a=1,2", qop=auth, nc=00000001')).toEqual({
      username: 'a"b',
      uri: '/x?a=1,2',
      qop: 'auth',
      nc: '00000001',
    });
    expect(parseDigestHeader('Basic dXNlcjpwYXNz')).toBeNull();
    expect(parseDigestHeader('Digest ')).toBeNull();
    expect(parseDigestHeader('Digest username="a", username="b"')).toBeNull();
    expect(parseDigestHeader('Digest username="unterminated')).toBeNull();
  });
});

describe('NonceIssuer and ReplayGuard', () => {
  it('accepts its own nonces, refuses forged ones and calls old ones stale', () => {
    let now = 1_000_000;
    const issuer = new NonceIssuer(SECRET, 300_000, () => now);
    const nonce = issuer.issue();
    expect(issuer.check(nonce)).toBe('valid');
    expect(new NonceIssuer(Buffer.from('another-secret-of-enough-length!'), 300_000).check(nonce)).toBe(
      'invalid',
    );
    expect(issuer.check(nonce.replace(/^[^.]+/, (now + 1).toString(36)))).toBe('invalid');
    expect(issuer.check('garbage')).toBe('invalid');
    now += 300_001;
    expect(issuer.check(nonce)).toBe('stale');
  });

  it('refuses a (nonce, nc) pair seen before, and forgets it when the nonce has expired', () => {
    let now = 0;
    const guard = new ReplayGuard(1000, () => now);
    expect(guard.accept('n1', '00000001')).toBe(true);
    expect(guard.accept('n1', '00000001')).toBe(false);
    expect(guard.accept('n1', '00000002')).toBe(true);
    expect(guard.accept('n2', '00000001')).toBe(true);
    now = 1001;
    expect(guard.accept('n1', '00000001')).toBe(true);
  });
});

describe('DigestAuthenticator', () => {
  let now: number;
  let authenticator: DigestAuthenticator;
  const lookup = async (username: string) =>
    username === '1001'
      ? {
          user: { number: '1001' },
          ha1: { MD5: digestHa1('MD5', '1001', '4321'), 'SHA-256': digestHa1('SHA-256', '1001', '4321') },
        }
      : null;

  beforeEach(() => {
    now = 5_000_000;
    authenticator = new DigestAuthenticator(SECRET, 300_000, () => now);
  });

  function challenge(algorithm: DigestAlgorithm) {
    const value = authenticator.challenges().find((c) => c.includes(`algorithm=${algorithm},`))!;
    return {
      nonce: /nonce="([^"]+)"/.exec(value)![1],
      opaque: /opaque="([^"]+)"/.exec(value)![1],
    };
  }

  function authorization(algorithm: DigestAlgorithm, overrides: Record<string, string> = {}, pin = '4321') {
    const { nonce, opaque } = challenge(algorithm);
    const fields = {
      username: '1001',
      realm: CALLCONTROLLER_REALM,
      nonce,
      uri: URI,
      algorithm,
      qop: 'auth',
      nc: '00000001',
      cnonce: 'c0ffee',
      opaque,
      ...overrides,
    };
    const ha1 = digestHa1(algorithm, fields.username, pin);
    const response = digestResponse({
      algorithm,
      ha1,
      method: 'POST',
      uri: fields.uri,
      nonce: fields.nonce,
      nc: fields.nc,
      cnonce: fields.cnonce,
    });
    return header({ ...fields, response: overrides.response ?? response });
  }

  const verify = (authorizationHeader: string | undefined, uri = URI, method = 'POST') =>
    authenticator.verify({ method, uri, authorization: authorizationHeader }, lookup);

  it('offers SHA-256 then MD5, with qop=auth, an opaque and no stale flag', () => {
    const [sha, md5] = authenticator.challenges();
    expect(sha).toMatch(
      /^Digest realm="callwright-callcontroller", qop="auth", algorithm=SHA-256, nonce="[^"]+", opaque="[^"]+"$/,
    );
    expect(md5).toContain('algorithm=MD5,');
    expect(authenticator.challenges(true)[0]).toMatch(/, stale=true$/);
  });

  it.each(['MD5', 'SHA-256'] as const)('accepts a right %s response with qop=auth', async (algorithm) => {
    await expect(verify(authorization(algorithm))).resolves.toEqual({
      ok: true,
      username: '1001',
      user: { number: '1001' },
    });
  });

  it('takes a missing algorithm for MD5', async () => {
    const { nonce, opaque } = challenge('MD5');
    const response = digestResponse({
      algorithm: 'MD5',
      ha1: digestHa1('MD5', '1001', '4321'),
      method: 'POST',
      uri: URI,
      nonce,
      nc: '00000001',
      cnonce: 'c',
    });
    const value = header({
      username: '1001',
      realm: CALLCONTROLLER_REALM,
      nonce,
      uri: URI,
      qop: 'auth',
      nc: '00000001',
      cnonce: 'c',
      opaque,
      response,
    });
    await expect(verify(value)).resolves.toMatchObject({ ok: true });
  });

  it('refuses a missing header, a Basic one and one without qop', async () => {
    await expect(verify(undefined)).resolves.toEqual({ ok: false, failure: 'missing' });
    await expect(verify('Basic MTAwMTo0MzIx')).resolves.toEqual({ ok: false, failure: 'malformed' });
    const value = authorization('MD5').replace('qop=auth, ', '');
    await expect(verify(value)).resolves.toEqual({ ok: false, failure: 'malformed' });
  });

  it('refuses a wrong PIN, an unknown user, another realm and an unknown algorithm', async () => {
    await expect(verify(authorization('SHA-256', {}, '9999'))).resolves.toEqual({
      ok: false,
      failure: 'wrong-response',
    });
    await expect(verify(authorization('MD5', { username: '1002' }))).resolves.toEqual({
      ok: false,
      failure: 'unknown-user',
    });
    await expect(verify(authorization('MD5', { realm: 'other' }))).resolves.toEqual({
      ok: false,
      failure: 'malformed',
    });
    await expect(verify(authorization('MD5', { algorithm: 'SHA-512-256' }))).resolves.toEqual({
      ok: false,
      failure: 'malformed',
    });
  });

  it('refuses a uri that is not the request target, and a method other than the signed one', async () => {
    await expect(verify(authorization('MD5'), '/callcontroller/1001/1003')).resolves.toEqual({
      ok: false,
      failure: 'wrong-uri',
    });
    await expect(verify(authorization('MD5'), URI, 'GET')).resolves.toEqual({
      ok: false,
      failure: 'wrong-response',
    });
  });

  it('refuses a nonce it did not issue', async () => {
    const value = authorization('MD5', { nonce: 'bm90LmEubm9uY2U' });
    await expect(verify(value)).resolves.toEqual({ ok: false, failure: 'wrong-response' });
  });

  it('calls a right response on an expired nonce stale, and a wrong one merely wrong', async () => {
    const right = authorization('SHA-256');
    const wrong = authorization('SHA-256', {}, '0000');
    now += 300_001;
    await expect(verify(right)).resolves.toEqual({ ok: false, failure: 'stale' });
    await expect(verify(wrong)).resolves.toEqual({ ok: false, failure: 'wrong-response' });
  });

  it('refuses a replayed nc on one nonce, and accepts the next nc', async () => {
    const { nonce } = challenge('MD5');
    const first = authorization('MD5', { nonce });
    await expect(verify(first)).resolves.toMatchObject({ ok: true });
    await expect(verify(first)).resolves.toEqual({ ok: false, failure: 'replayed' });
    await expect(verify(authorization('MD5', { nonce, nc: '00000002' }))).resolves.toMatchObject({
      ok: true,
    });
  });
});
