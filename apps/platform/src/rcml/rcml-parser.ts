import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { RcmlNode, RcmlSchemaError } from './rcml-node';

export class RcmlParseError extends Error {}

/** Beyond these a document is not a call script but an attack or a mistake; refusing is cheap. */
export const MAX_DOCUMENT_CHARS = 512 * 1024;
export const MAX_ELEMENTS = 2000;
export const MAX_DEPTH = 8;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Safe only because DTDs are refused first: then just the five predefined entities and character references exist.
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function toNode(raw: OrderedNode, depth: number): RcmlNode | null {
  const name = Object.keys(raw).find((key) => key !== ':@');
  if (!name || name === '#text' || name.startsWith('?') || name === '#comment') return null;
  if (depth > MAX_DEPTH) throw new RcmlParseError(`Elements are nested deeper than ${MAX_DEPTH} levels`);
  const children = (raw[name] as OrderedNode[]) ?? [];
  const text = children
    .filter((child) => '#text' in child)
    .map((child) => String(child['#text']))
    .join('')
    .trim();
  return {
    name,
    attributes: Object.fromEntries(
      Object.entries(raw[':@'] ?? {}).map(([key, value]) => [key, String(value)]),
    ),
    text,
    children: children
      .map((child) => toNode(child, depth + 1))
      .filter((node): node is RcmlNode => node !== null),
  };
}

/** Parses an RCML document into its `<Response>` element. DTDs are refused, so no entity can expand. */
export function parseRcmlDocument(xml: string): RcmlNode {
  if (xml.length > MAX_DOCUMENT_CHARS)
    throw new RcmlParseError(`Document is larger than ${MAX_DOCUMENT_CHARS} characters`);
  if (/<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(xml)) {
    throw new RcmlParseError('Document type declarations are not allowed in RCML');
  }
  const elements = xml.match(/<[A-Za-z]/g)?.length ?? 0;
  if (elements > MAX_ELEMENTS) throw new RcmlParseError(`Document has more than ${MAX_ELEMENTS} elements`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new RcmlParseError(`Malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let parsed: OrderedNode[];
  try {
    parsed = parser.parse(xml) as OrderedNode[];
  } catch (error) {
    throw new RcmlParseError(`Malformed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const roots = parsed.map((node) => toNode(node, 0)).filter((node): node is RcmlNode => node !== null);
  if (roots.length !== 1 || roots[0].name !== 'Response') {
    throw new RcmlSchemaError(`The root element must be <Response>, found <${roots[0]?.name ?? 'nothing'}>`);
  }
  return roots[0];
}
