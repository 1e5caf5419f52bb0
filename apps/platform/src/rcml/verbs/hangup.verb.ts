import type { RcmlNode } from '../rcml-node';
import { rejectUnknownAttributes } from './attribute-parsers';
import type { VerbContext, VerbDefinition, VerbOutcome } from './verb';

export interface HangupVerb {
  verb: 'Hangup';
}

export const hangupVerb: VerbDefinition<HangupVerb> = {
  name: 'Hangup',
  parse(node: RcmlNode): HangupVerb {
    rejectUnknownAttributes(node, []);
    return { verb: 'Hangup' };
  },
  async execute(_verb: HangupVerb, context: VerbContext): Promise<VerbOutcome> {
    await context.hangup();
    return 'end';
  },
};
