import { RcmlNode, RcmlSchemaError } from '../rcml-node';
import { enumAttribute, warnUnknownAttributes } from './attribute-parsers';
import type { ParseContext, StreamRequest } from './verb';

/** Twilio's limit on a stream's custom parameters. */
const MAX_PARAMETERS = 32;

/** `<Stream url name track>` with its `<Parameter name value/>`s, inside `<Start>` or `<Connect>`. */
export function parseStreamNoun(
  node: RcmlNode,
  context: ParseContext,
  bidirectional: boolean,
): StreamRequest {
  warnUnknownAttributes(node, ['url', 'name', 'track'], context);
  const raw = node.attributes.url?.trim();
  if (!raw) throw new RcmlSchemaError('<Stream> needs a url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RcmlSchemaError(`<Stream> url "${raw}" is not an absolute URL`);
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:')
    throw new RcmlSchemaError(`<Stream> url "${raw}" must be a wss:// (or ws://) URL`);
  const track = enumAttribute(
    node,
    'track',
    ['inbound_track', 'outbound_track', 'both_tracks'],
    'inbound_track',
  );
  if (bidirectional && track !== 'inbound_track')
    throw new RcmlSchemaError('<Connect><Stream> only streams the inbound_track');
  const parameters: Record<string, string> = {};
  for (const child of node.children) {
    if (child.name !== 'Parameter') {
      context.warn(`<${child.name}> is not supported in <Stream> and was ignored`);
      continue;
    }
    warnUnknownAttributes(child, ['name', 'value'], context);
    const name = child.attributes.name;
    if (!name) throw new RcmlSchemaError('<Parameter> needs a name');
    parameters[name] = child.attributes.value ?? '';
  }
  if (Object.keys(parameters).length > MAX_PARAMETERS)
    throw new RcmlSchemaError(`<Stream> takes at most ${MAX_PARAMETERS} <Parameter>s`);
  return { url: url.toString(), name: node.attributes.name?.trim() || null, track, parameters };
}
