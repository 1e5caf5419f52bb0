import { lookup, LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from './private-address';

export class BlockedAddressError extends Error {
  readonly code = 'ERR_WEBHOOK_BLOCKED_ADDRESS';

  constructor(host: string, address: string) {
    super(
      `${host === address ? address : `${host} resolves to ${address}, which`} is a private, loopback, ` +
        'link-local or otherwise internal address, refused because WEBHOOK_BLOCK_PRIVATE_ADDRESSES is on',
    );
  }
}

/**
 * DNS lookup used for every connection when the address guard is on. Checking the addresses the socket is
 * about to connect to, rather than resolving once up front, means a host that re-resolves to an internal
 * address between check and use (DNS rebinding) is still refused.
 */
export const guardedLookup: LookupFunction = (hostname: string, options: LookupOptions, callback) => {
  lookup(hostname, options, (error, address, family) => {
    if (error) return callback(error, address, family);
    const addresses: LookupAddress[] = Array.isArray(address) ? address : [{ address, family }];
    const blocked = addresses.find((candidate) => isPrivateAddress(candidate.address));
    if (blocked) return callback(new BlockedAddressError(hostname, blocked.address), '', 0);
    callback(null, address, family);
  });
};
