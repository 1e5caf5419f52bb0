/**
 * The Asterisk servers the platform drives (ASTERISK_SERVERS). ARI_URL / ARI_USERNAME / ARI_PASSWORD stay
 * the one-server shorthand: unset ASTERISK_SERVERS means one server named `default` with those settings,
 * which is also the name the migration gave every call stored before servers had names.
 */
export interface AsteriskServer {
  /** Stored on each call record it hosts (`asterisk_server`): keep it stable across restarts. */
  name: string;
  ariUrl: string;
  ariUsername: string;
  ariPassword: string;
  /** `host:port` where the server takes SIP (informational for now: Kamailio's dispatcher list). */
  sipAddress: string | null;
}

export const DEFAULT_SERVER_NAME = 'default';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export class AsteriskServersError extends Error {}

function field(entry: Record<string, unknown>, key: string, index: number): string {
  const value = entry[key];
  if (typeof value !== 'string' || value === '')
    throw new AsteriskServersError(`entry ${index}: "${key}" must be a non-empty string`);
  return value;
}

function checkUrl(url: string, index: number): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AsteriskServersError(`entry ${index}: "ariUrl" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new AsteriskServersError(`entry ${index}: "ariUrl" must be http or https`);
}

/** Parses ASTERISK_SERVERS (a JSON array); the messages never quote a password. */
export function parseAsteriskServers(json: string): AsteriskServer[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new AsteriskServersError('not valid JSON');
  }
  if (!Array.isArray(raw) || raw.length === 0)
    throw new AsteriskServersError('must be a non-empty JSON array');
  const names = new Set<string>();
  return raw.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw new AsteriskServersError(`entry ${index}: must be an object`);
    const record = entry as Record<string, unknown>;
    const name = field(record, 'name', index);
    if (!NAME.test(name)) throw new AsteriskServersError(`entry ${index}: "name" must match ${NAME}`);
    if (names.has(name)) throw new AsteriskServersError(`entry ${index}: name "${name}" is used twice`);
    names.add(name);
    const ariUrl = field(record, 'ariUrl', index);
    checkUrl(ariUrl, index);
    const sipAddress = record.sipAddress;
    if (sipAddress !== undefined && typeof sipAddress !== 'string')
      throw new AsteriskServersError(`entry ${index}: "sipAddress" must be a string`);
    return {
      name,
      ariUrl,
      ariUsername: field(record, 'ariUsername', index),
      ariPassword: field(record, 'ariPassword', index),
      sipAddress: sipAddress ?? null,
    };
  });
}

/** The configured servers: ASTERISK_SERVERS, or the ARI_* shorthand as the one server `default`. */
export function asteriskServersOf(config: {
  asteriskServers?: string;
  ariUrl: string;
  ariUsername: string;
  ariPassword: string;
}): AsteriskServer[] {
  if (config.asteriskServers) return parseAsteriskServers(config.asteriskServers);
  return [
    {
      name: DEFAULT_SERVER_NAME,
      ariUrl: config.ariUrl,
      ariUsername: config.ariUsername,
      ariPassword: config.ariPassword,
      sipAddress: null,
    },
  ];
}
