import type { OpenAPIObject } from '@nestjs/swagger';

type Schema = Record<string, unknown>;

/** One API family: the paths it owns, its tag, how callers authenticate and how it answers errors. */
export interface ApiFamily {
  tag: string;
  description: string;
  matches(path: string): boolean;
  /** Security requirement names (keys of SECURITY_SCHEMES); empty: no credentials. */
  security: string[];
  /** Error bodies by media type, each naming a schema in ERROR_SCHEMAS. */
  errors: Record<string, string>;
}

const prefix =
  (...prefixes: string[]) =>
  (path: string): boolean =>
    prefixes.some((p) => path === p || path.startsWith(`${p}/`));

export const SECURITY_SCHEMES = {
  basic: {
    type: 'http',
    scheme: 'basic',
    description: 'Account SID and auth token (or API key SID and secret).',
  },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'Access token from the family’s OAuth/login endpoint.',
  },
  digest: { type: 'http', scheme: 'digest', description: 'sipX user and PIN, HTTP Digest (RFC 7616).' },
  consoleSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'cw_console',
    description:
      'Web console session (POST /console/api/session); state-changing requests also need the X-CSRF-Token header.',
  },
} as const;

/** The error bodies, as the exception filters write them (common/ and sessions/*). */
export const ERROR_SCHEMAS: Record<string, Schema> = {
  // RestcommExceptionFilter / TwilioExceptionFilter (common/api-errors.ts).
  TwilioError: {
    type: 'object',
    required: ['code', 'message', 'more_info', 'status'],
    properties: {
      code: { type: 'integer', example: 20404 },
      message: { type: 'string' },
      more_info: { type: 'string', example: 'https://www.twilio.com/docs/errors/20404' },
      status: { type: 'integer', example: 404 },
    },
  },
  // The same body in XML for the RestComm family (`.xml` suffix or Accept).
  RestcommXmlError: {
    type: 'object',
    xml: { name: 'RestcommResponse' },
    properties: {
      RestException: {
        type: 'object',
        properties: {
          Code: { type: 'integer' },
          Message: { type: 'string' },
          MoreInfo: { type: 'string' },
          Status: { type: 'integer' },
        },
      },
    },
  },
  // RingcentralExceptionFilter.
  RingCentralError: {
    type: 'object',
    required: ['errorCode', 'message', 'errors'],
    properties: {
      errorCode: { type: 'string', example: 'CMN-102' },
      message: { type: 'string' },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            errorCode: { type: 'string' },
            message: { type: 'string' },
            parameterName: { type: 'string' },
          },
        },
      },
    },
  },
  // PortsipExceptionFilter.
  PortsipError: {
    type: 'object',
    required: ['code', 'message', 'status'],
    properties: { code: { type: 'integer' }, message: { type: 'string' }, status: { type: 'integer' } },
  },
  // ConsoleExceptionFilter (console/console-errors.ts).
  ConsoleError: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'status'],
        properties: {
          code: { type: 'string', example: 'not_found' },
          message: { type: 'string' },
          status: { type: 'integer', example: 404 },
          apiCode: { type: 'integer', nullable: true, example: 20404 },
        },
      },
    },
  },
  // SipxExceptionFilter: the reason as one line of text.
  SipxError: { type: 'string', example: 'not valid user pin\n' },
};

/** First match wins: more specific prefixes first. */
export const API_FAMILIES: ApiFamily[] = [
  {
    tag: 'RestComm',
    description: 'RestComm-compatible REST API (2012-04-24; also under /restcomm, JSON or XML).',
    matches: prefix('/2012-04-24'),
    security: ['basic'],
    errors: { 'application/json': 'TwilioError', 'application/xml': 'RestcommXmlError' },
  },
  {
    tag: 'Twilio',
    description: 'Twilio-compatible REST API (2010-04-01).',
    matches: prefix('/2010-04-01', '/v1'),
    security: ['basic'],
    errors: { 'application/json': 'TwilioError' },
  },
  {
    tag: 'Telephony (RingCentral)',
    description: 'RingCentral-style telephony sessions, presence and subscriptions (/restapi).',
    matches: prefix('/restapi'),
    security: ['bearer'],
    errors: { 'application/json': 'RingCentralError' },
  },
  {
    tag: 'Sessions (PortSIP)',
    description: 'PortSIP-style call sessions and login (/api).',
    matches: prefix('/api'),
    security: ['bearer'],
    errors: { 'application/json': 'PortsipError' },
  },
  {
    tag: 'Call controller (sipX)',
    description: 'sipXconfig-style call controller (Digest authentication, plain-text errors).',
    matches: prefix('/callcontroller', '/sipxconfig', '/sipx-auth-probe'),
    security: ['digest'],
    errors: { 'text/plain': 'SipxError' },
  },
  {
    tag: 'Console',
    description: 'The web console’s JSON API (session cookie and CSRF token; see console/).',
    matches: prefix('/console/api'),
    security: ['consoleSession'],
    errors: { 'application/json': 'ConsoleError' },
  },
  {
    tag: 'Platform',
    description: 'Platform endpoints: health, metrics and the media Asterisk fetches.',
    matches: () => true,
    security: [],
    errors: { 'application/json': 'TwilioError' },
  },
];

export function familyOf(path: string): ApiFamily {
  return API_FAMILIES.find((family) => family.matches(path)) as ApiFamily;
}

export function addComponents(document: OpenAPIObject): void {
  document.components = {
    ...document.components,
    securitySchemes: { ...document.components?.securitySchemes, ...SECURITY_SCHEMES },
    schemas: { ...document.components?.schemas, ...ERROR_SCHEMAS },
  };
  document.tags = API_FAMILIES.map(({ tag, description }) => ({ name: tag, description }));
}
