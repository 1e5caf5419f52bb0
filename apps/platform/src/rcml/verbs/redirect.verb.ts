import { RcmlSchemaError } from '../rcml-node';
import { methodAttribute, resolveUrl, warnUnknownAttributes } from './attribute-parsers';
import type { HttpMethod, VerbDefinition } from './verb';

export interface RedirectVerb {
  verb: 'Redirect';
  url: string;
  method: HttpMethod;
}

export const redirectVerb: VerbDefinition<RedirectVerb> = {
  name: 'Redirect',
  parse(node, context) {
    warnUnknownAttributes(node, ['method'], context);
    if (!node.text) throw new RcmlSchemaError('<Redirect> needs a URL');
    return {
      verb: 'Redirect',
      url: resolveUrl(node, node.text, context, 'URL'),
      method: methodAttribute(node, 'method', 'POST'),
    };
  },
  async execute(verb) {
    return { next: { url: verb.url, method: verb.method, params: {} } };
  },
};
