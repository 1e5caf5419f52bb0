import { RcmlSchemaError } from '../rcml-node';
import { warnUnknownAttributes } from './attribute-parsers';
import type { VerbDefinition } from './verb';

export interface StopVerb {
  verb: 'Stop';
  /** The names of the streams to stop; null stops every stream of the call. */
  streams: Array<string | null>;
}

/** `<Stop><Stream name>`: ends a stream `<Start>` began (every one of the call's without a name). */
export const stopVerb: VerbDefinition<StopVerb> = {
  name: 'Stop',
  parse(node, context) {
    warnUnknownAttributes(node, [], context);
    const streams: Array<string | null> = [];
    for (const child of node.children) {
      if (child.name !== 'Stream') {
        context.warn(`<${child.name}> is not supported in <Stop> and was ignored`);
        continue;
      }
      warnUnknownAttributes(child, ['name', 'url', 'track'], context);
      streams.push(child.attributes.name?.trim() || null);
    }
    if (streams.length === 0) throw new RcmlSchemaError('<Stop> needs a <Stream>');
    return { verb: 'Stop', streams };
  },
  async execute(verb, context) {
    for (const name of verb.streams) await context.stopStream(name);
    return 'continue';
  },
};
