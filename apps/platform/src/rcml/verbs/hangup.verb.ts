import { warnUnknownAttributes } from './attribute-parsers';
import type { VerbDefinition } from './verb';

export interface HangupVerb {
  verb: 'Hangup';
}

export const hangupVerb: VerbDefinition<HangupVerb> = {
  name: 'Hangup',
  parse(node, context) {
    warnUnknownAttributes(node, [], context);
    return { verb: 'Hangup' };
  },
  async execute(_verb, context) {
    await context.hangup();
    return 'end';
  },
};
