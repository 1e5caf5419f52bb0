import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsIP,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { parseAllowList, parseCidr } from '../common/ip-address';
import { AsteriskServersError, parseAsteriskServers } from './asterisk-servers';

/** Fails boot on ASTERISK_SERVERS that does not parse, saying which entry and field (never a password). */
function IsAsteriskServers(): PropertyDecorator {
  return ValidateBy({
    name: 'isAsteriskServers',
    validator: {
      validate: (value) => {
        try {
          parseAsteriskServers(String(value));
          return true;
        } catch (error) {
          return !(error instanceof AsteriskServersError);
        }
      },
      defaultMessage: (args) => {
        try {
          parseAsteriskServers(String(args?.value));
          return 'invalid';
        } catch (error) {
          return error instanceof Error ? error.message : 'invalid';
        }
      },
    },
  });
}

/** Fails boot with the entry that is neither a CIDR block, an address nor a host name. */
function IsAllowList(): PropertyDecorator {
  return ValidateBy({
    name: 'isAllowList',
    validator: {
      validate: (value) => {
        try {
          parseAllowList(String(value));
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: (args) => {
        try {
          parseAllowList(String(args?.value));
          return '';
        } catch (error) {
          return (error as Error).message;
        }
      },
    },
  });
}

/** Comma-separated CIDR blocks or addresses; no host names (a request's source is an address). */
function IsCidrList(): PropertyDecorator {
  return ValidateBy({
    name: 'isCidrList',
    validator: {
      validate: (value) =>
        String(value)
          .split(',')
          .map((entry) => entry.trim())
          .every((entry) => entry === '' || parseCidr(entry) !== null),
      defaultMessage: () => 'must be comma-separated CIDR blocks or addresses',
    },
  });
}

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** Every setting the platform reads, validated once at boot so a typo fails fast instead of mid-call. */
export class AppConfig {
  @IsString()
  host = '0.0.0.0';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 8080;

  /** Largest request body the API reads (JSON or form); larger ones get 413 / 20413. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  httpMaxBodyBytes = 256 * 1024;

  /** Base URL app servers and Asterisk use to reach this platform (recording and media links). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  publicUrl = 'http://127.0.0.1:8080';

  @IsIn(['sqlite', 'postgres'])
  databaseType: 'sqlite' | 'postgres' = 'sqlite';

  @IsString()
  databasePath = 'data/callwright.sqlite';

  @IsOptional()
  @IsString()
  databaseUrl?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ariUrl = 'http://127.0.0.1:8088';

  @IsString()
  @MinLength(1)
  ariUsername = 'callwright';

  /** No default: `npm start`/`npm test` pass the password the stack generated; others must set it. */
  @IsString()
  ariPassword = '';

  @IsString()
  @Matches(/^[A-Za-z0-9_.-]+$/)
  ariApp = 'callwright';

  /**
   * This node's own API address, for the other nodes on the same PostgreSQL to forward requests about the
   * calls it holds (unset: PUBLIC_URL). At most 55 characters: it travels as a connection's name.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  @Matches(/^.{1,55}$/)
  nodeUrl?: string;

  /** JSON array of {name, ariUrl, ariUsername, ariPassword, sipAddress}; unset: ARI_* is the one server. */
  @IsOptional()
  @IsAsteriskServers()
  asteriskServers?: string;

  /** PJSIP endpoint through which `sip:` URIs are dialed. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]+$/)
  outboundEndpoint = 'outbound';

  /** PJSIP endpoint (a trunk to a carrier) through which `<Number>` nouns are dialed. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]+$/)
  numberTrunkEndpoint = 'carrier';

  @IsOptional()
  @Matches(/^AC[0-9a-f]{32}$/, {
    message: 'BOOTSTRAP_ACCOUNT_SID must be AC followed by 32 lowercase hex digits',
  })
  bootstrapAccountSid?: string;

  @IsOptional()
  @IsString()
  @MinLength(16)
  bootstrapAuthToken?: string;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  webhookTimeoutMs = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  webhookConnectTimeoutMs = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  webhookMaxBodyBytes = 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(20)
  webhookMaxRedirects = 5;

  /** Refuse app-server URLs that resolve to private, loopback or link-local addresses (SSRF guard). */
  @Transform(({ value }) =>
    value === undefined ? undefined : value === true || value === 'true' || value === '1',
  )
  @IsBoolean()
  webhookBlockPrivateAddresses = false;

  /**
   * CIDR blocks, addresses and host names (comma-separated) exempt from the private-address guard: app servers
   * on a private network. Internal services of the platform and cloud metadata stay refused whatever this says.
   */
  @IsAllowList()
  webhookAllowedAddresses = '';

  /** Folder for synthesized speech (cache) and other generated audio served to Asterisk over HTTP. */
  @IsString()
  mediaPath = 'data/media';

  /** Largest `<Play>` or `waitUrl` file the platform downloads from an app server. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  mediaMaxBytes = 16 * 1024 * 1024;

  /** Disk the cache of fetched and converted `<Play>` media may use before the least recently used go. */
  @Transform(toInt)
  @IsInt()
  @Min(1024 * 1024)
  mediaCacheMaxBytes = 512 * 1024 * 1024;

  /**
   * Address of the UDP sockets Media Streams (`<Stream>`) receive a call's RTP on from Asterisk (one
   * ephemeral port per stream): an address of this machine that Asterisk can reach.
   */
  @IsIP()
  mediaStreamRtpAddress = '127.0.0.1';

  /** Folder where call recordings are stored. */
  @IsString()
  recordingsPath = 'data/recordings';

  /** Inbound calls whose INVITE carries this hop count or more are refused with SIP 482 (loops). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  maxCallHops = 5;

  /**
   * On SIGTERM, refuse new calls and wait for live ones (then hang up the rest); by default live
   * calls stay up for the next process to re-adopt (rolling restart).
   */
  @Transform(({ value }) =>
    value === undefined ? undefined : value === true || value === 'true' || value === '1',
  )
  @IsBoolean()
  drainOnStop = false;

  /** With DRAIN_ON_STOP, how long shutdown waits for live calls to end before hanging them up. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  drainTimeoutSeconds = 30;

  /** Lifetime of a Bearer access token of the PBX APIs (PortSIP `/api/login/oauth/token`). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  accessTokenTtlSeconds = 3600;

  /** Lifetime of the refresh token that comes with it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  refreshTokenTtlSeconds = 30 * 24 * 3600;

  /**
   * How a party held through the PBX APIs is told: `reinvite` sends its phone a sendonly re-INVITE (the
   * phone shows the call held), `moh` plays it music on hold with no SIP.
   */
  @IsIn(['reinvite', 'moh'])
  pbxHoldSignalling: 'reinvite' | 'moh' = 'reinvite';

  /** Also serve the whole API over HTTPS on this port (with HTTPS_CERT_PATH and HTTPS_KEY_PATH); unset: no HTTPS. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  httpsPort?: number;

  /** PEM certificate (chain) of the HTTPS listener. */
  @IsOptional()
  @IsString()
  httpsCertPath?: string;

  /** PEM private key of the HTTPS listener. */
  @IsOptional()
  @IsString()
  httpsKeyPath?: string;

  /**
   * Sources (CIDR blocks, addresses) whose callcontroller requests over HTTPS need no PIN, as sipX's trusted
   * hosts; over plain HTTP every request needs Digest.
   */
  @IsCidrList()
  callcontrollerTrustedNetworks = '';

  /** Lifetime of a callcontroller Digest nonce; a request with an older one is answered `stale=true`. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(86400)
  callcontrollerNonceTtlSeconds = 300;

  /** Key that signs Digest nonces; set the same on every node behind one address. Unset: random per process. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  callcontrollerDigestSecret?: string;

  /**
   * Serve `/metrics` on this port only (on HOST), apart from the API; unset: on the API's port. Either way
   * it needs no credentials: keep it on a private interface or behind the proxy.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  metricsPort?: number;

  /** How long a web console sign-in lasts (its cookie's Max-Age and the server-side expiry). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  consoleSessionHours = 12;

  /** Days the console's call event log (timelines, webhook latency) is kept; older events are deleted. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  callEventsRetentionDays = 30;

  /** `json`: one JSON object per line (the default with NODE_ENV=production); `pretty`: for a terminal. */
  @IsIn(['json', 'pretty'])
  logFormat: 'json' | 'pretty' = 'pretty';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export const ENV_NAMES: Record<keyof AppConfig, string> = {
  host: 'HOST',
  port: 'PORT',
  publicUrl: 'PUBLIC_URL',
  httpMaxBodyBytes: 'HTTP_MAX_BODY_BYTES',
  databaseType: 'DATABASE_TYPE',
  databasePath: 'DATABASE_PATH',
  databaseUrl: 'DATABASE_URL',
  ariUrl: 'ARI_URL',
  ariUsername: 'ARI_USERNAME',
  ariPassword: 'ARI_PASSWORD',
  ariApp: 'ARI_APP',
  asteriskServers: 'ASTERISK_SERVERS',
  nodeUrl: 'NODE_URL',
  outboundEndpoint: 'OUTBOUND_ENDPOINT',
  numberTrunkEndpoint: 'NUMBER_TRUNK_ENDPOINT',
  bootstrapAccountSid: 'BOOTSTRAP_ACCOUNT_SID',
  bootstrapAuthToken: 'BOOTSTRAP_AUTH_TOKEN',
  webhookTimeoutMs: 'WEBHOOK_TIMEOUT_MS',
  webhookConnectTimeoutMs: 'WEBHOOK_CONNECT_TIMEOUT_MS',
  webhookMaxBodyBytes: 'WEBHOOK_MAX_BODY_BYTES',
  webhookMaxRedirects: 'WEBHOOK_MAX_REDIRECTS',
  webhookBlockPrivateAddresses: 'WEBHOOK_BLOCK_PRIVATE_ADDRESSES',
  webhookAllowedAddresses: 'WEBHOOK_ALLOWED_ADDRESSES',
  mediaPath: 'MEDIA_PATH',
  mediaMaxBytes: 'MEDIA_MAX_BYTES',
  mediaCacheMaxBytes: 'MEDIA_CACHE_MAX_BYTES',
  mediaStreamRtpAddress: 'MEDIA_STREAM_RTP_ADDRESS',
  recordingsPath: 'RECORDINGS_PATH',
  maxCallHops: 'MAX_CALL_HOPS',
  drainOnStop: 'DRAIN_ON_STOP',
  drainTimeoutSeconds: 'DRAIN_TIMEOUT_S',
  accessTokenTtlSeconds: 'ACCESS_TOKEN_TTL_S',
  refreshTokenTtlSeconds: 'REFRESH_TOKEN_TTL_S',
  pbxHoldSignalling: 'PBX_HOLD_SIGNALLING',
  httpsPort: 'HTTPS_PORT',
  httpsCertPath: 'HTTPS_CERT_PATH',
  httpsKeyPath: 'HTTPS_KEY_PATH',
  callcontrollerTrustedNetworks: 'CALLCONTROLLER_TRUSTED_NETWORKS',
  callcontrollerNonceTtlSeconds: 'CALLCONTROLLER_NONCE_TTL_S',
  callcontrollerDigestSecret: 'CALLCONTROLLER_DIGEST_SECRET',
  metricsPort: 'METRICS_PORT',
  consoleSessionHours: 'CONSOLE_SESSION_HOURS',
  callEventsRetentionDays: 'CALL_EVENTS_RETENTION_DAYS',
  logFormat: 'LOG_FORMAT',
  logLevel: 'LOG_LEVEL',
};

export class InvalidConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const [key, envName] of Object.entries(ENV_NAMES)) {
    const value = env[envName];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  if (!raw.logFormat && env.NODE_ENV === 'production') raw.logFormat = 'json';
  if (raw.port && !raw.publicUrl) raw.publicUrl = `http://127.0.0.1:${raw.port}`;
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const details = errors
      .map(
        (e) =>
          `${ENV_NAMES[e.property as keyof AppConfig]}: ${Object.values(e.constraints ?? {}).join(', ')}`,
      )
      .join('; ');
    throw new InvalidConfigError(`Invalid configuration: ${details}`);
  }
  if (config.httpsPort !== undefined && !(config.httpsCertPath && config.httpsKeyPath))
    throw new InvalidConfigError(
      'Invalid configuration: HTTPS_PORT needs HTTPS_CERT_PATH and HTTPS_KEY_PATH',
    );
  return config;
}
