import { RcmlSchemaError } from '../rcml-node';
import { warnUnknownAttributes } from './attribute-parsers';
import { parseStreamNoun } from './stream-noun';
import type { StreamRequest, VerbDefinition } from './verb';

export interface StartVerb {
  verb: 'Start';
  streams: StreamRequest[];
}

/** `<Start><Stream>`: the call's audio to a WebSocket beside the call, which goes on with the next verb. */
export const startVerb: VerbDefinition<StartVerb> = {
  name: 'Start',
  parse(node, context) {
    warnUnknownAttributes(node, [], context);
    const streams: StreamRequest[] = [];
    for (const child of node.children) {
      if (child.name === 'Stream') streams.push(parseStreamNoun(child, context, false));
      else context.warn(`<${child.name}> is not supported in <Start> and was ignored`);
    }
    if (streams.length === 0) throw new RcmlSchemaError('<Start> needs a <Stream>');
    return { verb: 'Start', streams };
  },
  async execute(verb, context) {
    for (const stream of verb.streams) await context.startStream(stream);
    return 'continue';
  },
};
