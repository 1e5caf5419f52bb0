import SwaggerParser from '@apidevtools/swagger-parser';
import { RunningPlatform, startPlatform } from '../../../../test/support/platform';
import { FakeTelephonyGateway } from '../telephony/testing/fake-telephony-gateway';
import { HTTP_METHODS } from './openapi-document';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/**
 * Every route the express router serves, as OpenAPI path templates (`:sid` → `{sid}`). Middleware bound
 * with `forRoutes('*')` (nestjs-pino's request logger) is a route for every method of `/*`: not an endpoint.
 */
function servedRoutes(platform: RunningPlatform): Array<{ method: string; path: string }> {
  const router = platform.app.getHttpAdapter().getInstance()._router as { stack: Layer[] };
  const routes: Array<{ method: string; path: string }> = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    const middleware = layer.route.path === '/*' && Object.keys(layer.route.methods).length > 20;
    if (middleware) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths)
      for (const method of Object.keys(layer.route.methods))
        routes.push({ method, path: path.replace(/:([A-Za-z0-9_]+)/g, '{$1}') });
  }
  return routes;
}

describe('OpenAPI document at /docs', () => {
  let platform: RunningPlatform;
  let document: {
    paths: Record<string, Record<string, { responses: Record<string, unknown>; tags: string[] }>>;
  };

  beforeAll(async () => {
    platform = await startPlatform(
      { ARI_PASSWORD: 'medium-tests-use-no-ari' },
      { gateway: new FakeTelephonyGateway() },
    );
    const res = await platform.http().get('/docs/openapi.json').expect(200);
    document = res.body;
  });
  afterAll(() => platform.close());

  it('is a valid OpenAPI 3 document, served without credentials', async () => {
    expect(document).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await platform.http().get('/docs').expect(200);
    expect(res.text).toContain('swagger-ui');
  });

  it('has an operation with a 2xx and a 4xx response for every route the app serves', () => {
    const routes = servedRoutes(platform).filter(({ path }) => !path.startsWith('/docs'));
    expect(routes.length).toBeGreaterThan(50);
    const missing: string[] = [];
    for (const { method, path } of routes) {
      const operation = document.paths[path]?.[method];
      const statuses = Object.keys(operation?.responses ?? {});
      if (!operation || !statuses.some((s) => /^2/.test(s)) || !statuses.some((s) => /^4/.test(s)))
        missing.push(`${method.toUpperCase()} ${path}`);
    }
    expect(missing).toEqual([]);
  });

  it('describes request bodies from the DTOs’ validation rules', () => {
    const schemas = (document as never as { components: { schemas: Record<string, Record<string, never>> } })
      .components.schemas;
    const createCall = schemas.TwilioCreateCallDto as never as {
      required: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect(createCall.required).toEqual(expect.arrayContaining(['To', 'From']));
    expect(createCall.required).not.toContain('Url');
    expect(createCall.properties.Url).toMatchObject({ type: 'string', format: 'uri' });
    expect(createCall.properties.TimeLimit).toMatchObject({ type: 'integer', minimum: 1 });
    expect(createCall.properties.RecordingStatusCallbackEvent).toMatchObject({
      type: 'array',
      items: { enum: expect.arrayContaining(['completed']) },
    });
    const listRecordings = document.paths['/2010-04-01/Accounts/{accountSid}/Recordings'].get as never as {
      parameters: Array<{ name: string; in: string }>;
    };
    expect(listRecordings.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'PageSize', in: 'query' })]),
    );
    // Every body DTO lists its fields (without the derivation, @nestjs/swagger leaves them all empty).
    const empty = Object.entries(schemas)
      .filter(([name, s]) => name.endsWith('Dto') && Object.keys(s.properties ?? {}).length === 0)
      .map(([name]) => name);
    expect(empty).toEqual([]);
  });

  it('tags each family and gives it its own error shape and security scheme', () => {
    const op = (path: string, method: string) =>
      document.paths[path][method] as never as {
        tags: string[];
        security: Array<Record<string, unknown>>;
        responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }>;
      };
    const twilio = op('/2010-04-01/Accounts/{accountSid}/Calls', 'post');
    expect(twilio.tags).toEqual(['Twilio']);
    expect(twilio.security).toEqual([{ basic: [] }]);
    expect(twilio.responses['400'].content?.['application/json'].schema.$ref).toBe(
      '#/components/schemas/TwilioError',
    );
    const body = (
      twilio as never as { requestBody: { content: Record<string, { schema: { $ref: string } }> } }
    ).requestBody.content;
    expect(Object.keys(body)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    const restcomm = op('/2012-04-24/Accounts/{accountSid}/Calls', 'post');
    expect(Object.keys(restcomm.responses['400'].content ?? {})).toEqual([
      'application/json',
      'application/xml',
    ]);
    const telephony = Object.entries(document.paths).find(([p]) => p.startsWith('/restapi/v1.0/account'));
    const anyOp = Object.values(telephony?.[1] ?? {})[0] as never as {
      responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
    };
    expect(anyOp.responses['400'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/RingCentralError',
    );
    const sipx = op('/callcontroller/{callingUser}/{calledUser}', 'post');
    expect(sipx.tags).toEqual(['Call controller (sipX)']);
    expect(sipx.security).toEqual([{ digest: [] }]);
    expect(sipx.responses['401'].content?.['text/plain'].schema.$ref).toBe('#/components/schemas/SipxError');
    const ids = Object.values(document.paths).flatMap((item) =>
      HTTP_METHODS.flatMap((m) =>
        item[m] ? [(item[m] as never as { operationId: string }).operationId] : [],
      ),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});
