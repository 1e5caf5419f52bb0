import { RcmlNode, RcmlSchemaError } from '../rcml-node';

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
  if (value < min || value > max)
    throw new RcmlSchemaError(`<${node.name}> ${name}="${raw}" must be between ${min} and ${max}`);
  return value;
}

export function rejectUnknownAttributes(node: RcmlNode, known: readonly string[]): void {
  const unknown = Object.keys(node.attributes).filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new RcmlSchemaError(`<${node.name}> has unknown attribute(s): ${unknown.join(', ')}`);
}
