import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  AllowList,
  canonicalAddress,
  cidrContains,
  isPrivateAddress,
  parseAllowList,
  parseCidr,
} from '../common/ip-address';

/**
 * Cloud metadata services hand out instance credentials to anything that asks; no account URL may reach them,
 * on any port. AWS/GCP/Azure/OpenStack (169.254.169.254), AWS IPv6 (fd00:ec2::254), ECS task metadata
 * (169.254.170.2), Alibaba Cloud (100.100.100.200).
 */
const METADATA_ADDRESSES = new Set(
  ['169.254.169.254', 'fd00:ec2::254', '169.254.170.2', '100.100.100.200'].map(canonicalAddress),
);

const LOCAL_RANGES = ['127.0.0.0/8', '0.0.0.0/8', '::1/128', '::/128'].map((text) => parseCidr(text)!);

/** A service of the platform's own that listens on `port` at the addresses its host names. */
interface InternalService {
  name: string;
  host: string;
  port: number;
  addresses: Set<string>;
  /** The host is this machine (loopback, unspecified or an interface address): every local address counts. */
  local: boolean;
}

/** The settings the policy reads (a subset of AppConfig). */
export interface AddressPolicySettings {
  ariUrl: string;
  host: string;
  port: number;
  publicUrl: string;
  databaseType: 'sqlite' | 'postgres';
  databaseUrl?: string;
  webhookBlockPrivateAddresses: boolean;
  webhookAllowedAddresses: string;
}

/**
 * Decides, at connect time, whether a URL an account supplied may reach an address. Internal services (ARI,
 * the platform's own HTTP port, the database) and cloud metadata are refused whatever the settings say; the
 * private-address guard refuses the rest of the internal ranges unless the allow-list exempts them.
 */
export class AddressPolicy {
  private readonly services: InternalService[];
  private readonly allowList: AllowList;
  private readonly blockPrivate: boolean;

  constructor(
    config: AddressPolicySettings,
    private readonly localAddresses: ReadonlySet<string> = machineAddresses(),
  ) {
    this.allowList = parseAllowList(config.webhookAllowedAddresses);
    this.blockPrivate = config.webhookBlockPrivateAddresses;
    const endpoints: Array<{ name: string; host: string; port: number }> = [
      { name: 'ARI', ...urlEndpoint(config.ariUrl) },
      { name: 'the platform API', host: config.host, port: config.port },
      { name: 'the platform API', ...urlEndpoint(config.publicUrl) },
    ];
    if (config.databaseType === 'postgres' && config.databaseUrl) {
      endpoints.push({ name: 'the database', ...urlEndpoint(config.databaseUrl, 5432) });
    }
    this.services = endpoints.map((endpoint) => {
      const host = endpoint.host.replace(/^\[|\]$/g, '').toLowerCase();
      const addresses = new Set(isIP(host) ? [canonicalAddress(host)] : []);
      const service = { ...endpoint, host, addresses, local: false };
      service.local = host === 'localhost' || [...addresses].some((address) => this.isLocal(address));
      return service;
    });
  }

  /** Learns the addresses of services configured by host name (a database at `db.internal`, say). */
  async resolveServiceHosts(): Promise<void> {
    await Promise.all(
      this.services
        .filter((service) => !isIP(service.host))
        .map(async (service) => {
          const found = await lookup(service.host, { all: true }).catch(() => []);
          for (const { address } of found) service.addresses.add(canonicalAddress(address));
          if ([...service.addresses].some((address) => this.isLocal(address))) service.local = true;
        }),
    );
  }

  /** Why `host` (as the URL named it) may not be reached at `address`:`port`, or null when it may. */
  refusal(host: string, address: string, port: number): string | null {
    const ip = canonicalAddress(address);
    const name = host.replace(/^\[|\]$/g, '').toLowerCase();
    const shown = name === ip || canonicalAddress(name) === ip ? ip : `${name} resolves to ${ip}, which`;
    if (METADATA_ADDRESSES.has(ip))
      return `${shown} is a cloud metadata address, never reachable from account URLs`;
    if (this.isInternalService(name, ip, port)) {
      return `${shown}${shown === ip ? ':' + port : ''} is an internal service of the platform, never reachable from account URLs`;
    }
    if (this.isAllowListed(name, ip)) return null;
    if (this.blockPrivate && isPrivateAddress(ip)) {
      return (
        `${shown} is a private, loopback, link-local or otherwise internal address, refused because ` +
        'WEBHOOK_BLOCK_PRIVATE_ADDRESSES is on'
      );
    }
    return null;
  }

  /**
   * The check that can be made before any connection: a URL whose host is a literal address or `localhost`
   * pointing at an internal service or metadata. Such URLs are refused when they are given (21205).
   */
  plainRefusal(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
    const candidates = host === 'localhost' ? ['127.0.0.1', '::1'] : isIP(host) ? [host] : [];
    for (const address of candidates) {
      const ip = canonicalAddress(address);
      if (METADATA_ADDRESSES.has(ip) || this.isInternalService(host, ip, port)) {
        return this.refusal(host, address, port);
      }
    }
    return null;
  }

  private isInternalService(host: string, ip: string, port: number): boolean {
    return this.services.some(
      (service) =>
        service.port === port &&
        (service.addresses.has(ip) || service.host === host || (service.local && this.isLocal(ip))),
    );
  }

  private isAllowListed(host: string, ip: string): boolean {
    if (this.allowList.cidrs.some((cidr) => cidrContains(cidr, ip))) return true;
    return this.allowList.hosts.some((entry) =>
      entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry,
    );
  }

  private isLocal(ip: string): boolean {
    return this.localAddresses.has(ip) || LOCAL_RANGES.some((range) => cidrContains(range, ip));
  }
}

function urlEndpoint(url: string, defaultPort?: number): { host: string; port: number } {
  const parsed = new URL(url);
  const port = Number(parsed.port) || defaultPort || (parsed.protocol === 'https:' ? 443 : 80);
  return { host: parsed.hostname, port };
}

function machineAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) addresses.add(canonicalAddress(entry.address));
  }
  return addresses;
}
