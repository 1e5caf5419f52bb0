import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { describeDtos, describeQueries } from './dto-schemas';
import { addComponents, familyOf } from './openapi-families';

type Operation = Record<string, unknown> & {
  operationId?: string;
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, unknown>;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
};

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The OpenAPI 3 document of every route Nest registered: SwaggerModule reads the controllers and
 * DTOs; then each operation gets its family's tag, security scheme, error bodies and a success response.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Callwright')
    .setDescription(
      'Self-hosted programmable voice platform: RestComm, Twilio, RingCentral-style telephony, ' +
        'PortSIP-style sessions and the sipX call controller over one call-control core.',
    )
    .setVersion('0.1.0')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  describeDtos(app, document);
  describeQueries(app, document);
  completeOperations(document);
  return document;
}

export function completeOperations(document: OpenAPIObject): void {
  addComponents(document);
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    const family = familyOf(path);
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      operation.tags = [family.tag];
      operation.security = family.security.map((name) => ({ [name]: [] }));
      operation.operationId = uniqueId(operationIds, operation.operationId ?? `${method}${path}`, path);
      declarePathParameters(operation, path);
      acceptForms(operation);
      addResponses(operation, method, family.errors, family.security.length > 0);
    }
  }
}

function uniqueId(taken: Set<string>, id: string, path: string): string {
  let unique = id;
  // One controller at several paths (sipX's two prefixes): the same handler, one id per path.
  if (taken.has(unique)) unique = `${id}_${path.replace(/[^A-Za-z0-9]+/g, '_')}`;
  taken.add(unique);
  return unique;
}

/** Every body is read as JSON or as a form (common/request-body.ts); the Twilio SDKs send forms. */
function acceptForms(operation: Operation): void {
  const content = (operation.requestBody as { content?: Record<string, unknown> } | undefined)?.content;
  if (content?.['application/json'])
    content['application/x-www-form-urlencoded'] ??= content['application/json'];
}

/** Every `{name}` in the path template is a required path parameter (OpenAPI requires the declaration). */
function declarePathParameters(operation: Operation, path: string): void {
  const parameters = (operation.parameters ??= []);
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (!parameters.some((p) => p.in === 'path' && p.name === name))
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } } as never);
  }
}

function addResponses(
  operation: Operation,
  method: string,
  errors: Record<string, string>,
  authenticated: boolean,
): void {
  const responses = operation.responses;
  const success = Object.keys(responses).find((status) => /^2\d\d$/.test(status));
  if (!success) responses[method === 'post' ? '201' : '200'] = { description: 'Success' };
  for (const key of Object.keys(responses)) {
    const response = responses[key] as { description?: string };
    if (!response.description) response.description = /^2/.test(key) ? 'Success' : 'Error';
  }
  const error = (description: string) => ({
    description,
    content: Object.fromEntries(
      Object.entries(errors).map(([type, schema]) => [
        type,
        { schema: { $ref: `#/components/schemas/${schema}` } },
      ]),
    ),
  });
  responses['400'] ??= error('Invalid request (validation failed)');
  if (authenticated) {
    responses['401'] ??= error('Missing or wrong credentials');
    responses['403'] ??= error('Credentials do not allow this resource');
  }
  if (operation.parameters?.some((p) => p.in === 'path')) responses['404'] ??= error('Not found');
  responses['500'] ??= error('Internal error');
}

/** Swagger UI at /docs and the document at /docs/openapi.json (no credentials: the guards are per controller). */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
