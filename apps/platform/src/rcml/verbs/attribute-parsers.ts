import { RcmlNode, RcmlSchemaError } from '../rcml-node';
import type { HttpMethod, ParseContext } from './verb';

export function integerAttribute(
  node: RcmlNode,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = node.attributes[name];
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw.trim()))
    throw new RcmlSchemaError(`<${node.name}> ${name}="${raw}" is not an integer`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new RcmlSchemaError(`<${node.name}> ${name}="${raw}" must be between ${min} and ${max}`);
  }
  return value;
}

export function enumAttribute<T extends string>(
  node: RcmlNode,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = node.attributes[name];
  if (raw === undefined) return fallback;
  const match = allowed.find((value) => value.toLowerCase() === raw.trim().toLowerCase());
  if (!match)
    throw new RcmlSchemaError(`<${node.name}> ${name}="${raw}" must be one of ${allowed.join(', ')}`);
  return match;
}

export function booleanAttribute(node: RcmlNode, name: string, fallback: boolean): boolean {
  return enumAttribute(node, name, ['true', 'false'], fallback ? 'true' : 'false') === 'true';
}

export function methodAttribute(node: RcmlNode, name: string, fallback: HttpMethod): HttpMethod {
  return enumAttribute(node, name, ['GET', 'POST'], fallback);
}

/** Resolves an absolute or document-relative http(s) URL. */
export function resolveUrl(node: RcmlNode, value: string, context: ParseContext, what: string): string {
  let url: URL;
  try {
    url = new URL(value.trim(), context.documentUrl ?? undefined);
  } catch {
    throw new RcmlSchemaError(`<${node.name}> ${what} "${value}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RcmlSchemaError(`<${node.name}> ${what} "${value}" must be an http(s) URL`);
  }
  return url.toString();
}

export function optionalUrlAttribute(node: RcmlNode, name: string, context: ParseContext): string | null {
  const raw = node.attributes[name];
  return raw === undefined || raw.trim() === '' ? null : resolveUrl(node, raw, context, name);
}

/** Unknown attributes are warned about and ignored, as Twilio does, so newer documents still run. */
export function warnUnknownAttributes(node: RcmlNode, known: readonly string[], context: ParseContext): void {
  for (const name of Object.keys(node.attributes)) {
    if (!known.includes(name))
      context.warn(`<${node.name}> attribute "${name}" is not supported and was ignored`);
  }
}

export function digitKeysAttribute(node: RcmlNode, name: string, fallback: string): string {
  const raw = node.attributes[name];
  if (raw === undefined) return fallback;
  if (!/^[0-9*#]*$/.test(raw))
    throw new RcmlSchemaError(`<${node.name}> ${name}="${raw}" may only contain 0-9, * and #`);
  return raw;
}

/** Twilio's loop="0" means "until interrupted"; a cap keeps a forgotten call from looping forever. */
export const LOOP_FOREVER = 1000;

export function loopAttribute(node: RcmlNode): number {
  const loop = integerAttribute(node, 'loop', 1, 0, LOOP_FOREVER);
  return loop === 0 ? LOOP_FOREVER : loop;
}
