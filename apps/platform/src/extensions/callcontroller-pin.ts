import { createHash } from 'node:crypto';

/**
 * Digest realm of callcontroller PINs. Fixed rather than the tenant's SIP domain, so the stored HA1s
 * survive a domain change (the PIN would otherwise have to be set again); the tenant is told by the
 * request instead (see sessions/sipx/auth/sipx-digest.guard.ts).
 */
export const CALLCONTROLLER_REALM = 'callwright-callcontroller';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(text)
    .digest('hex');
}

/** H(username:realm:password): what is stored in place of the PIN. */
export function pinDigestHa1(
  algorithm: DigestAlgorithm,
  username: string,
  password: string,
  realm = CALLCONTROLLER_REALM,
): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}
