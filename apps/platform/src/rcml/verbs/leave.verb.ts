import { warnUnknownAttributes } from './attribute-parsers';
import type { VerbDefinition } from './verb';

/** `<Leave>` (in a waitUrl document): the call leaves its queue and goes on after its `<Enqueue>`. */
export const leaveVerb: VerbDefinition<{ verb: 'Leave' }> = {
  name: 'Leave',
  parse(node, context) {
    warnUnknownAttributes(node, [], context);
    return { verb: 'Leave' };
  },
  async execute(_verb, context) {
    // Outside a queue there is nothing to leave, and the document goes on.
    return context.leaveQueue() ? 'end' : 'continue';
  },
};
