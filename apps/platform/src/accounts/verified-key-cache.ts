/**
 * Successful API-key verifications, remembered briefly so each request does not pay scrypt again.
 * Entries are keyed by key sid and a fingerprint of the secret; deleting a key drops its entries
 * at once. Failures are never cached. Per node: another platform node learns of a deletion when
 * its own entries expire (at most `ttlMs`).
 */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, Map<string, { accountSid: string; expiresAt: number }>>();
  private size = 0;

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(keySid: string, fingerprint: string): string | null {
    const entry = this.entries.get(keySid)?.get(fingerprint);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.get(keySid)!.delete(fingerprint);
      this.size--;
      return null;
    }
    return entry.accountSid;
  }

  remember(keySid: string, fingerprint: string, accountSid: string): void {
    // Bounded: a flood of distinct valid secrets cannot grow memory; clearing costs only re-hashing.
    if (this.size >= this.maxEntries) this.clear();
    let forKey = this.entries.get(keySid);
    if (!forKey) this.entries.set(keySid, (forKey = new Map()));
    if (!forKey.has(fingerprint)) this.size++;
    forKey.set(fingerprint, { accountSid, expiresAt: this.now() + this.ttlMs });
  }

  forget(keySid: string): void {
    this.size -= this.entries.get(keySid)?.size ?? 0;
    this.entries.delete(keySid);
  }

  clear(): void {
    this.entries.clear();
    this.size = 0;
  }
}
