import type { Response } from 'supertest';
import type { RunningPlatform } from './platform';
import { createHash, randomBytes } from 'node:crypto';

export type DigestClientAlgorithm = 'MD5' | 'SHA-256';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  qop?: string;
  algorithm: DigestClientAlgorithm;
  stale: boolean;
}

/**
 * The challenges of a 401 (`WWW-Authenticate` may hold one or several, as supertest and node give them:
 * a string or an array), by algorithm. Written apart from the platform's verifier so tests check one against
 * the other rather than against itself.
 */
export function readChallenges(header: string | string[] | undefined): DigestChallenge[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : splitChallenges(header);
  return values
    .filter((value) => /^\s*Digest\s/i.test(value))
    .map((value) => {
      const params: Record<string, string> = {};
      for (const [, name, quoted, bare] of value.matchAll(/([a-zA-Z0-9_-]+)=(?:"([^"]*)"|([^,\s]*))/g))
        params[name.toLowerCase()] = quoted ?? bare;
      return {
        realm: params.realm,
        nonce: params.nonce,
        opaque: params.opaque,
        qop: params.qop,
        algorithm: (params.algorithm?.toUpperCase() === 'SHA-256'
          ? 'SHA-256'
          : 'MD5') as DigestClientAlgorithm,
        stale: params.stale?.toLowerCase() === 'true',
      };
    });
}

/** A comma-joined header of several challenges (node joins repeated headers this way for some clients). */
function splitChallenges(header: string): string[] {
  return header.split(/,\s*(?=Digest\s)/i);
}

export interface DigestCredentials {
  method: string;
  /** Path and query, exactly as the request line carries them. */
  uri: string;
  username: string;
  password: string;
  /** Defaults to 1; send the same nc twice on one nonce to replay. */
  nc?: number;
  cnonce?: string;
}

/** `Authorization: Digest ...` answering `challenge` with qop=auth. */
export function digestAuthorization(challenge: DigestChallenge, credentials: DigestCredentials): string {
  const h = (text: string) =>
    createHash(challenge.algorithm === 'MD5' ? 'md5' : 'sha256')
      .update(text)
      .digest('hex');
  const nc = (credentials.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = credentials.cnonce ?? randomBytes(8).toString('hex');
  const ha1 = h(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  const ha2 = h(`${credentials.method.toUpperCase()}:${credentials.uri}`);
  const response = h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const fields = [
    `username="${credentials.username}"`,
    `realm="${challenge.realm}"`,
    `nonce="${challenge.nonce}"`,
    `uri="${credentials.uri}"`,
    `algorithm=${challenge.algorithm}`,
    `qop=auth`,
    `nc=${nc}`,
    `cnonce="${cnonce}"`,
    `response="${response}"`,
  ];
  if (challenge.opaque !== undefined) fields.push(`opaque="${challenge.opaque}"`);
  return `Digest ${fields.join(', ')}`;
}

/** The challenge of one algorithm among those of a 401; throws when the server did not offer it. */
export function challengeFor(
  header: string | string[] | undefined,
  algorithm: DigestClientAlgorithm,
): DigestChallenge {
  const found = readChallenges(header).find((challenge) => challenge.algorithm === algorithm);
  if (!found) throw new Error(`No ${algorithm} Digest challenge in ${JSON.stringify(header)}`);
  return found;
}

/**
 * A request with HTTP Digest as a client makes it: without credentials first, then answering the
 * 401's challenge (SHA-256 unless asked otherwise). `uri` is the path with its query, as sent.
 */
export function digestRequest(
  platform: RunningPlatform,
  method: 'get' | 'post',
  uri: string,
  auth: { user: string; pin: string; host?: string; algorithm?: DigestClientAlgorithm },
  form?: Record<string, string>,
): Promise<Response> & { expect(status: number): Promise<Response> } {
  const send = (authorization?: string) => {
    let call = platform.http()[method](uri);
    if (auth.host) call = call.set('Host', auth.host);
    if (authorization) call = call.set('Authorization', authorization);
    return form ? call.type('form').send(form) : call;
  };
  const answer = (async () => {
    const first = await send();
    if (first.status !== 401) return first;
    const challenge = challengeFor(first.headers['www-authenticate'], auth.algorithm ?? 'SHA-256');
    return send(digestAuthorization(challenge, { method, uri, username: auth.user, password: auth.pin }));
  })();
  // As supertest's `.expect(status)`, so tests read the same with or without Digest.
  const expectStatus = async (status: number) => {
    const response = await answer;
    if (response.status !== status)
      throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
    return response;
  };
  return Object.assign(answer, { expect: expectStatus });
}
