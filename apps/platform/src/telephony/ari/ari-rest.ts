import { Pool } from 'undici';

/** One operation as ari-client's swagger client parsed it from Asterisk's own api-docs. */
export interface AriOperationSpec {
  path: string;
  method: string;
  parameters: Array<{ name: string; paramType: string; allowMultiple?: boolean }>;
}

type Params = Record<string, unknown> | undefined;

/** Keep-alive connections to ARI at most; Asterisk's HTTP server runs a thread per connection. */
const CONNECTIONS = 8;
/** Below Asterisk's session_keep_alive (15 s by default), so a connection is never reused as it closes. */
const KEEP_ALIVE_MS = 10_000;

/**
 * ARI's REST calls over one undici pool with keep-alive. ari-client sends each request through
 * swagger-client, shred and bluebird (a new socket, header and body objects, promise wrappers: about
 * as much CPU as the rest of a simple call); this sends the same request (same path, query and JSON
 * body, built from the same operation descriptions) on a kept-alive connection. Outcomes are
 * ari-client's: the parsed JSON body on 2xx, otherwise an Error whose message is the body Asterisk
 * sent (`{"message":"Channel not found"}`).
 */
export class AriRest {
  private readonly pool: Pool;
  private readonly authorization: string;
  private readonly basePath: string;

  constructor(config: { ariUrl: string; ariUsername: string; ariPassword: string }) {
    const url = new URL(config.ariUrl);
    this.pool = new Pool(url.origin, {
      connections: CONNECTIONS,
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    this.basePath = url.pathname.replace(/\/+$/, '') + '/ari';
    this.authorization =
      'Basic ' + Buffer.from(`${config.ariUsername}:${config.ariPassword}`).toString('base64');
  }

  async send(operation: AriOperationSpec, params: Params): Promise<unknown> {
    const { path, query, body } = buildRequest(operation, params ?? {});
    const response = await this.pool.request({
      method: operation.method.toUpperCase() as 'GET',
      path: this.basePath + path + query,
      headers: {
        authorization: this.authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(text);
    return text ? JSON.parse(text) : undefined;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const encode = (value: unknown) =>
  encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value));

/** Path, query string and JSON body of one call, as swagger-client builds them for ari-client. */
export function buildRequest(
  operation: AriOperationSpec,
  params: Record<string, unknown>,
): { path: string; query: string; body?: string } {
  let path = operation.path;
  const query: string[] = [];
  let body: string | undefined;
  for (const parameter of operation.parameters) {
    const value = params[parameter.name];
    if (parameter.paramType === 'path') {
      if (value === undefined || value === null || value === '')
        throw new Error(`${parameter.name} is a required parameter`);
      path = path.replace(`{${parameter.name}}`, encode(value));
    } else if (value === undefined || value === null) {
      continue;
    } else if (parameter.paramType === 'body') {
      // ari-client wraps `variables` and `fields` in an object of that name, as ARI expects.
      const wrapped =
        (parameter.name === 'variables' || parameter.name === 'fields') &&
        !(value as Record<string, unknown>)[parameter.name]
          ? { [parameter.name]: value }
          : value;
      body = JSON.stringify(wrapped);
    } else {
      query.push(`${encodeURIComponent(parameter.name)}=${encode(value)}`);
    }
  }
  return { path, query: query.length ? `?${query.join('&')}` : '', body };
}

interface SwaggerApis {
  apis: Record<string, { operations?: Record<string, AriOperationSpec> }>;
}

/**
 * Points every REST operation of a connected ari-client at `rest`: `client.channels.answer(...)` and
 * the rest keep their names and parameters, the WebSocket and its events stay ari-client's. A client
 * without swagger descriptions (a unit test's stand-in) is left as it is.
 */
export function routeRestThrough(client: object, rest: AriRest): boolean {
  const swagger = (client as { _swagger?: SwaggerApis })._swagger;
  if (!swagger?.apis) return false;
  const resources = client as Record<string, Record<string, unknown> | undefined>;
  for (const [resource, api] of Object.entries(swagger.apis)) {
    const target = resources[resource];
    if (!target || typeof target !== 'object' || !api?.operations) continue;
    for (const [nickname, operation] of Object.entries(api.operations)) {
      if (typeof target[nickname] !== 'function') continue;
      target[nickname] = (params?: Params) => rest.send(operation, params);
    }
  }
  return true;
}
