import { RcmlSchemaError } from '../rcml-node';
import { methodAttribute, optionalUrlAttribute, warnUnknownAttributes } from './attribute-parsers';
import { parseStreamNoun } from './stream-noun';
import type { HttpMethod, StreamRequest, VerbDefinition } from './verb';

export interface ConnectVerb {
  verb: 'Connect';
  stream: StreamRequest;
  action: { url: string; method: HttpMethod } | null;
}

/**
 * `<Connect><Stream>`: the call talks to the app's WebSocket both ways until the app closes it (or
 * the call ends); then the document goes on, or to `action`.
 */
export const connectVerb: VerbDefinition<ConnectVerb> = {
  name: 'Connect',
  parse(node, context) {
    warnUnknownAttributes(node, ['action', 'method'], context);
    const nouns = node.children.filter((child) => child.name === 'Stream');
    for (const child of node.children)
      if (child.name !== 'Stream')
        context.warn(`<${child.name}> is not supported in <Connect> and was ignored`);
    if (nouns.length !== 1) throw new RcmlSchemaError('<Connect> needs exactly one <Stream>');
    const action = optionalUrlAttribute(node, 'action', context);
    return {
      verb: 'Connect',
      stream: parseStreamNoun(nouns[0], context, true),
      action: action ? { url: action, method: methodAttribute(node, 'method', 'POST') } : null,
    };
  },
  async execute(verb, context) {
    await context.connectStream(verb.stream);
    if (context.signal.aborted || !verb.action) return 'continue';
    return { next: { url: verb.action.url, method: verb.action.method, params: {} } };
  },
};
