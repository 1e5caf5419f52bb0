import { XMLBuilder } from 'fast-xml-parser';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  suppressEmptyNode: true,
  format: false,
});

const pascal = (key: string) => key.replace(/(^|_)([a-z])/g, (_m, _sep, c: string) => c.toUpperCase());

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };

/** Turns a snake_case JSON body into RestComm's PascalCase XML elements; null becomes an empty element. */
export function jsonToXmlTree(value: Json): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(jsonToXmlTree);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key.startsWith('@') ? key : pascal(key)] = jsonToXmlTree(child);
    }
    return out;
  }
  return String(value);
}

export function renderXml(root: string, tree: unknown): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + builder.build({ [root]: tree });
}
