import { lookup, LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import type { AddressPolicy } from './address-policy';

export class BlockedAddressError extends Error {
  readonly code = 'ERR_WEBHOOK_BLOCKED_ADDRESS';
}

/**
 * DNS lookup for one connection to `port`. Checking the addresses the socket is about to connect to, rather
 * than resolving once up front, means a host that re-resolves to an internal address between check and use
 * (DNS rebinding) is still refused.
 */
export function guardedLookup(policy: AddressPolicy, port: number): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses: LookupAddress[] = Array.isArray(address) ? address : [{ address, family }];
      for (const candidate of addresses) {
        const refusal = policy.refusal(hostname, candidate.address, port);
        if (refusal) return callback(new BlockedAddressError(refusal), '', 0);
      }
      callback(null, address, family);
    });
  };
}

/**
 * undici connector that asks the policy about every connection (each redirect hop included) before a byte is
 * sent: literal addresses directly, host names through the guarded lookup. Nothing, credentials included,
 * ever reaches a refused address.
 */
export function guardedConnector(
  policy: AddressPolicy,
  options: { timeout: number },
): buildConnector.connector {
  const byPort = new Map<number, buildConnector.connector>();
  return (connectOptions, callback) => {
    const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
    const host = connectOptions.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const refusal = policy.refusal(host, host, port);
      if (refusal) return callback(new BlockedAddressError(refusal), null);
    }
    let connector = byPort.get(port);
    if (!connector) {
      connector = buildConnector({ timeout: options.timeout, lookup: guardedLookup(policy, port) } as never);
      byPort.set(port, connector);
    }
    connector(connectOptions, callback);
  };
}
