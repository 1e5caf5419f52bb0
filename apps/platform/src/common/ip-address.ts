import { isIPv4, isIPv6 } from 'node:net';

type Range = readonly [base: number, prefix: number];

const BLOCKED_IPV4: readonly Range[] = [
  [ipv4ToInt('0.0.0.0'), 8], // "this network", includes the unspecified address
  [ipv4ToInt('10.0.0.0'), 8],
  [ipv4ToInt('100.64.0.0'), 10], // carrier-grade NAT
  [ipv4ToInt('127.0.0.0'), 8],
  [ipv4ToInt('169.254.0.0'), 16], // link-local, where cloud metadata services live
  [ipv4ToInt('172.16.0.0'), 12],
  [ipv4ToInt('192.0.0.0'), 24],
  [ipv4ToInt('192.168.0.0'), 16],
  [ipv4ToInt('198.18.0.0'), 15],
  [ipv4ToInt('224.0.0.0'), 4], // multicast
  [ipv4ToInt('240.0.0.0'), 4], // reserved and broadcast
];

/**
 * True for addresses an app-server URL must not reach when the SSRF guard is on: private, loopback,
 * link-local, unique-local, CGNAT, unspecified, multicast and reserved, IPv4 and IPv6 alike.
 * IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address,
 * so `::ffff:127.0.0.1` cannot sneak past. Anything that is not an IP address is refused too.
 */
export function isPrivateAddress(address: string): boolean {
  const ip = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(ip)) return isPrivateIPv4(ipv4ToInt(ip));
  if (isIPv6(ip)) return isPrivateIPv6(ipv6ToBytes(ip.replace(/%.*$/, '')));
  return true;
}

/** A parsed CIDR block: the family, the network's bytes and the prefix length. */
export interface Cidr {
  family: 4 | 6;
  bytes: number[];
  prefix: number;
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128); null when it is neither. */
export function parseCidr(text: string): Cidr | null {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const bytes = addressBytes(address);
  if (!bytes) return null;
  const family = bytes.length === 4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { family, bytes, prefix };
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const bytes = addressBytes(canonicalAddress(address));
  if (!bytes || bytes.length !== cidr.bytes.length) return false;
  for (let bit = 0; bit < cidr.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((bytes[bit >> 3] & mask) !== (cidr.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}

/**
 * One spelling per address, so comparisons cannot be dodged: brackets and zone ids dropped, IPv6 in full
 * lower-case groups, and an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as the IPv4 address it carries.
 */
export function canonicalAddress(address: string): string {
  let ip = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  ip = ip.replace(/%.*$/, '');
  if (isIPv4(ip)) return ip.split('.').map(Number).join('.');
  if (!isIPv6(ip)) return ip;
  const b = ipv6ToBytes(ip);
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return b.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  return groups.join(':');
}

function addressBytes(address: string): number[] | null {
  const ip = canonicalAddress(address);
  if (isIPv4(ip)) return ip.split('.').map(Number);
  if (isIPv6(ip)) return ipv6ToBytes(ip);
  return null;
}

function isPrivateIPv4(ip: number): boolean {
  return BLOCKED_IPV4.some(([base, prefix]) => (ip ^ base) >>> (32 - prefix) === 0);
}

function isPrivateIPv6(b: number[]): boolean {
  const embeddedIPv4 = (at: number) =>
    ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return isPrivateIPv4(embeddedIPv4(12)); // ::ffff:a.b.c.d
  if (zeros(0, 12)) return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) {
    return isPrivateIPv4(embeddedIPv4(12)); // NAT64 64:ff9b::/96
  }
  if (b[0] === 0x20 && b[1] === 0x02) return isPrivateIPv4(embeddedIPv4(2)); // 6to4 2002::/16
  if ((b[0] & 0xfe) === 0xfc) return true; // unique-local fc00::/7
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return true; // link-local fe80::/10
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0xc0) return true; // deprecated site-local fec0::/10
  if (b[0] === 0xff) return true; // multicast
  return false;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** Expects a string node:net already accepted as IPv6 (optionally with a dotted IPv4 tail). */
function ipv6ToBytes(ip: string): number[] {
  let text = ip.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = ipv4ToInt(tail[1]);
    text = `${text.slice(0, -tail[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const missing = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups];
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

export interface AllowList {
  cidrs: Cidr[];
  /** Lower-case host names; `*.example.com` entries match every subdomain of example.com. */
  hosts: string[];
}

/**
 * `WEBHOOK_ALLOWED_ADDRESSES`: a comma-separated list of CIDR blocks, addresses and host names. Throws with
 * the offending entry so a typo fails at boot instead of silently allowing nothing.
 */
export function parseAllowList(text: string): AllowList {
  const list: AllowList = { cidrs: [], hosts: [] };
  for (const entry of text.split(',').map((part) => part.trim().toLowerCase())) {
    if (!entry) continue;
    const cidr = parseCidr(entry);
    if (cidr) list.cidrs.push(cidr);
    else if (/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry))
      list.hosts.push(entry);
    else throw new Error(`not a CIDR block, address or host name: "${entry}"`);
  }
  return list;
}
