/** One element of an RCML document, as the verb parsers see it. */
export interface RcmlNode {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: RcmlNode[];
}

/** A document or an element in it broke the RCML schema; the message says where. */
export class RcmlSchemaError extends Error {}
