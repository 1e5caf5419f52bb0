import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CALLCONTROLLER_REALM,
  type DigestAlgorithm,
  digestHash as hash,
  pinDigestHa1 as digestHa1,
} from '../../../extensions/callcontroller-pin';

export { CALLCONTROLLER_REALM, digestHa1 };
export type { DigestAlgorithm };

// HTTP Digest (RFC 7616) for the sipX-style call controller: user = extension number, password = its PIN.

/** Offered in this order: clients take the first they support, and SHA-256 is the stronger. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

export interface DigestResponseInput {
  algorithm: DigestAlgorithm;
  ha1: string;
  method: string;
  uri: string;
  nonce: string;
  nc: string;
  cnonce: string;
}

/** The `response` of qop=auth: H(HA1:nonce:nc:cnonce:auth:H(method:uri)). */
export function digestResponse(input: DigestResponseInput): string {
  const ha2 = hash(input.algorithm, `${input.method}:${input.uri}`);
  return hash(input.algorithm, `${input.ha1}:${input.nonce}:${input.nc}:${input.cnonce}:auth:${ha2}`);
}

/**
 * The parameters of `Authorization: Digest ...` (names lower-cased, quoted values unescaped); null when
 * the header is not a Digest header or cannot be read.
 */
export function parseDigestHeader(header: string | undefined): Record<string, string> | null {
  const match = /^\s*Digest\s+(.*)$/is.exec(header ?? '');
  if (!match) return null;
  const params: Record<string, string> = {};
  const pattern = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(?:,|$)/gy;
  const text = match[1];
  let consumed = 0;
  let part: RegExpExecArray | null;
  while (consumed < text.length && (part = pattern.exec(text))) {
    const name = part[1].toLowerCase();
    if (name in params) return null;
    params[name] = part[2] !== undefined ? part[2].replace(/\\(.)/g, '$1') : part[3];
    consumed = pattern.lastIndex;
  }
  return consumed === text.length && Object.keys(params).length > 0 ? params : null;
}

export type NonceState = 'valid' | 'stale' | 'invalid';

/**
 * Server nonces `<issued ms>.<random>.<HMAC>`: nothing is kept per nonce until it is used, a forged one
 * fails the HMAC, and an old one is recognised as merely stale (the client retries without asking the user).
 */
export class NonceIssuer {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(): string {
    const body = `${this.now().toString(36)}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  check(nonce: string): NonceState {
    const parts = nonce.split('.');
    if (parts.length !== 3) return 'invalid';
    const body = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    const issued = parseInt(parts[0], 36);
    const age = this.now() - issued;
    if (!Number.isFinite(issued) || age < 0) return 'invalid';
    return age > this.ttlMs ? 'stale' : 'valid';
  }

  /** A value the client echoes: it only proves the challenge came from this secret. */
  opaque(): string {
    return this.sign('opaque').slice(0, 32);
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }
}

/**
 * The (nonce, nc) pairs already accepted, forgotten when their nonce expires: a captured request replayed
 * within the nonce's lifetime is refused. Per process: behind several nodes, a shorter nonce lifetime
 * (CALLCONTROLLER_NONCE_TTL_S) narrows what a replay to another node could do.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, { expiresAt: number; counts: Set<string> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxNonces = 100_000,
  ) {}

  /** true the first time a pair is seen (and records it); false for a replay. */
  accept(nonce: string, nc: string): boolean {
    const now = this.now();
    this.prune(now);
    let entry = this.seen.get(nonce);
    if (!entry) {
      if (this.seen.size >= this.maxNonces) {
        const oldest = this.seen.keys().next().value as string;
        this.seen.delete(oldest);
      }
      entry = { expiresAt: now + this.ttlMs, counts: new Set() };
      this.seen.set(nonce, entry);
    }
    const count = nc.toLowerCase();
    if (entry.counts.has(count)) return false;
    entry.counts.add(count);
    return true;
  }

  private prune(now: number): void {
    // Insertion order is expiry order (one lifetime for all), so pruning stops at the first live entry.
    for (const [nonce, entry] of this.seen) {
      if (entry.expiresAt > now) break;
      this.seen.delete(nonce);
    }
  }
}

export type DigestFailure =
  'missing' | 'malformed' | 'unknown-user' | 'wrong-response' | 'wrong-uri' | 'stale' | 'replayed';

export type DigestOutcome<T> =
  { ok: true; username: string; user: T } | { ok: false; failure: DigestFailure };

export interface DigestRequest {
  method: string;
  /** The request target as sent (path and query), which the `uri` parameter must name. */
  uri: string;
  authorization: string | undefined;
}

/** The stored HA1 per algorithm of a user, found by the username of the header. */
export type Ha1Lookup<T> = (
  username: string,
) => Promise<{ user: T; ha1: Record<DigestAlgorithm, string | null> } | null>;

/** Challenges and verifies Digest with qop=auth, MD5 or SHA-256. */
export class DigestAuthenticator {
  private readonly nonces: NonceIssuer;
  private readonly replays: ReplayGuard;

  constructor(
    secret: Buffer,
    ttlMs: number,
    now: () => number = Date.now,
    readonly realm = CALLCONTROLLER_REALM,
  ) {
    this.nonces = new NonceIssuer(secret, ttlMs, now);
    this.replays = new ReplayGuard(ttlMs, now);
  }

  /** One `WWW-Authenticate` value per algorithm, each with a fresh nonce. */
  challenges(stale = false): string[] {
    return DIGEST_ALGORITHMS.map(
      (algorithm) =>
        `Digest realm="${this.realm}", qop="auth", algorithm=${algorithm}, nonce="${this.nonces.issue()}", ` +
        `opaque="${this.nonces.opaque()}"${stale ? ', stale=true' : ''}`,
    );
  }

  async verify<T>(request: DigestRequest, lookup: Ha1Lookup<T>): Promise<DigestOutcome<T>> {
    if (!request.authorization) return { ok: false, failure: 'missing' };
    const params = parseDigestHeader(request.authorization);
    if (!params) return { ok: false, failure: 'malformed' };
    const { username, realm, nonce, uri, response, qop, nc, cnonce, opaque } = params;
    const algorithm = toAlgorithm(params.algorithm);
    if (
      !username ||
      !nonce ||
      !uri ||
      !response ||
      !cnonce ||
      !algorithm ||
      realm !== this.realm ||
      qop !== 'auth' ||
      !/^[0-9a-fA-F]{8}$/.test(nc ?? '') ||
      (opaque !== undefined && opaque !== this.nonces.opaque()) ||
      params.userhash === 'true'
    )
      return { ok: false, failure: 'malformed' };
    if (uri !== request.uri) return { ok: false, failure: 'wrong-uri' };
    const nonceState = this.nonces.check(nonce);
    if (nonceState === 'invalid') return { ok: false, failure: 'wrong-response' };
    const found = await lookup(username);
    const ha1 = found?.ha1[algorithm];
    if (!found || !ha1) return { ok: false, failure: 'unknown-user' };
    const expected = Buffer.from(
      digestResponse({ algorithm, ha1, method: request.method.toUpperCase(), uri, nonce, nc, cnonce }),
    );
    const given = Buffer.from(response.toLowerCase());
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return { ok: false, failure: 'wrong-response' };
    // Stale only once the response proved the PIN (RFC 7616 3.3): the client may retry with the new nonce.
    if (nonceState === 'stale') return { ok: false, failure: 'stale' };
    if (!this.replays.accept(nonce, nc)) return { ok: false, failure: 'replayed' };
    return { ok: true, username, user: found.user };
  }
}

function toAlgorithm(value: string | undefined): DigestAlgorithm | null {
  // RFC 7616: no algorithm parameter means MD5.
  if (value === undefined || value.toUpperCase() === 'MD5') return 'MD5';
  return value.toUpperCase() === 'SHA-256' ? 'SHA-256' : null;
}
