import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { RcmlNode, RcmlSchemaError } from './rcml-node';

export class RcmlParseError extends Error {}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function toNode(raw: OrderedNode): RcmlNode | null {
  const name = Object.keys(raw).find((key) => key !== ':@');
  if (!name || name === '#text' || name.startsWith('?')) return null;
  const children = (raw[name] as OrderedNode[]) ?? [];
  const text = children
    .filter((child) => '#text' in child)
    .map((child) => String(child['#text']))
    .join('')
    .trim();
  return {
    name,
    attributes: { ...(raw[':@'] ?? {}) },
    text,
    children: children.map(toNode).filter((node): node is RcmlNode => node !== null),
  };
}

/** Parses an RCML document into its `<Response>` element. DTDs are refused: no entity can expand. */
export function parseRcmlDocument(xml: string): RcmlNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new RcmlParseError('Document type declarations are not allowed in RCML');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new RcmlParseError(`Malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const roots = (parser.parse(xml) as OrderedNode[])
    .map(toNode)
    .filter((node): node is RcmlNode => node !== null);
  if (roots.length !== 1 || roots[0].name !== 'Response') {
    throw new RcmlSchemaError(`The root element must be <Response>, found <${roots[0]?.name ?? 'nothing'}>`);
  }
  return roots[0];
}
