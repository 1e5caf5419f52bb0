import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';
import { cidrContains, parseCidr, type Cidr } from '../../../common/ip-address';

export function parseTrustedNetworks(text: string): Cidr[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => parseCidr(entry))
    .filter((cidr): cidr is Cidr => cidr !== null);
}

/**
 * Over HTTPS (this socket, not a forwarded header: nothing a client writes can make it true) from a
 * trusted network.
 */
export function isTrustedHttps(req: Request, networks: Cidr[]): boolean {
  const socket = req.socket as TLSSocket;
  if (socket.encrypted !== true) return false;
  const address = socket.remoteAddress;
  return address !== undefined && networks.some((cidr) => cidrContains(cidr, address));
}
