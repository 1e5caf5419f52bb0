import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Schema = Record<string, unknown>;
type DtoClass = abstract new (...args: never[]) => unknown;

/** class-validator rule → the JSON Schema it implies (formats and bounds from the rule's constraints). */
const RULES: Record<string, (constraints: unknown[]) => Schema> = {
  isString: () => ({ type: 'string' }),
  isNotEmpty: () => ({ minLength: 1 }),
  maxLength: ([max]) => ({ type: 'string', maxLength: max }),
  matches: ([pattern]) => ({
    type: 'string',
    pattern: pattern instanceof RegExp ? pattern.source : String(pattern),
  }),
  isIn: ([values]) => ({ enum: values }),
  isBoolean: () => ({ type: 'boolean' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  min: ([min]) => ({ minimum: min }),
  max: ([max]) => ({ maximum: max }),
  isObject: () => ({ type: 'object' }),
  isArray: () => ({ type: 'array' }),
  arrayNotEmpty: () => ({ type: 'array', minItems: 1 }),
  arrayMaxSize: ([max]) => ({ type: 'array', maxItems: max }),
  isUrl: () => ({ type: 'string', format: 'uri' }),
  isHttpUrl: () => ({ type: 'string', format: 'uri' }),
  isSipUri: () => ({ type: 'string', description: 'SIP URI' }),
  isTwilioCallee: () => ({ type: 'string', description: 'E.164 number, client:name or SIP URI' }),
  isHttpMethod: () => ({ type: 'string', enum: ['GET', 'POST'] }),
};

/**
 * Without the Swagger CLI plugin, @nestjs/swagger names each body DTO but lists none of its fields.
 * The DTOs' class-validator rules say what the API accepts, so the schema is derived from them: each
 * validated property, its type, bounds and pattern, and `required` unless it is @IsOptional.
 */
export function describeDtos(app: INestApplication, document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const dto of parameterClasses(app)) {
    const schema = schemas[dto.name];
    if (!schema || Object.keys((schema.properties as object) ?? {}).length > 0) continue;
    Object.assign(schema, dtoSchema(dto));
  }
}

export function dtoSchema(dto: DtoClass): Schema {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of rules)
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [name, propertyRules] of byProperty) {
    let property: Schema = {};
    let optional = false;
    for (const rule of propertyRules) {
      if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) optional = true;
      else if (rule.type === ValidationTypes.NESTED_VALIDATION) property = { type: 'object', ...property };
      const implied = rule.name ? RULES[rule.name]?.(rule.constraints ?? []) : undefined;
      if (!implied) continue;
      // `{ each: true }`: the rule applies to the array's items.
      property = rule.each
        ? { ...property, type: 'array', items: { ...(property.items as Schema), ...implied } }
        : { ...property, ...implied };
    }
    // OpenAPI 3.0 requires `items` on every array.
    if (property.type === 'array' && !property.items) property.items = {};
    properties[name] = property;
    if (!optional) required.push(name);
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

interface Handler {
  /** @nestjs/swagger's default operation id: `${Controller}_${method}`. */
  operationId: string;
  parameterTypes: DtoClass[];
  /** The DTO of a whole-object `@Query()`, if any. */
  query?: DtoClass;
}

/** Each controller handler, the classes it takes as parameters, and its `@Query()` DTO. */
function handlers(app: INestApplication): Handler[] {
  const found: Handler[] = [];
  const scanner = new MetadataScanner();
  for (const wrapper of new DiscoveryService(app.get(ModulesContainer)).getControllers()) {
    const controller = wrapper.metatype as DtoClass | undefined;
    const prototype = controller?.prototype as object | undefined;
    if (!controller || !prototype) continue;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const types = ((Reflect.getMetadata('design:paramtypes', prototype, method) ?? []) as unknown[]).map(
        (type) => (typeof type === 'function' ? (type as DtoClass) : undefined),
      );
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
        string,
        { index: number; data?: unknown }
      >;
      const whole = Object.entries(args).find(
        ([key, arg]) => key.split(':')[0] === String(RouteParamtypes.QUERY) && arg.data === undefined,
      );
      const query = whole ? types[whole[1].index] : undefined;
      found.push({
        operationId: `${controller.name}_${method}`,
        parameterTypes: types.filter((type): type is DtoClass => type !== undefined),
        query: query && query !== Object ? query : undefined,
      });
    }
  }
  return found;
}

/** The classes the controllers' handlers take as parameters (bodies and queries). */
function parameterClasses(app: INestApplication): Set<DtoClass> {
  return new Set(handlers(app).flatMap((handler) => handler.parameterTypes));
}

/** A whole-object `@Query()` DTO becomes one query parameter per validated property. */
export function describeQueries(app: INestApplication, document: OpenAPIObject): void {
  const byId = new Map(handlers(app).map((handler) => [handler.operationId, handler]));
  for (const item of Object.values(document.paths))
    for (const operation of Object.values(item) as Array<{ operationId?: string; parameters?: unknown[] }>) {
      const query = byId.get(operation?.operationId ?? '')?.query;
      if (!query) continue;
      const schema = dtoSchema(query) as { properties: Record<string, Schema>; required?: string[] };
      const parameters = (operation.parameters ??= []) as Array<{ name: string; in: string }>;
      for (const [name, property] of Object.entries(schema.properties)) {
        if (parameters.some((p) => p.in === 'query' && p.name === name)) continue;
        parameters.push({
          name,
          in: 'query',
          required: schema.required?.includes(name) ?? false,
          schema: property,
        } as never);
      }
    }
}
