import type { RcmlNode } from '../rcml-node';
import { integerAttribute, rejectUnknownAttributes } from './attribute-parsers';
import type { VerbContext, VerbDefinition, VerbOutcome } from './verb';

export interface PauseVerb {
  verb: 'Pause';
  lengthSeconds: number;
}

export const pauseVerb: VerbDefinition<PauseVerb> = {
  name: 'Pause',
  parse(node: RcmlNode): PauseVerb {
    rejectUnknownAttributes(node, ['length']);
    return { verb: 'Pause', lengthSeconds: integerAttribute(node, 'length', 1, 0, 3600) };
  },
  async execute(verb: PauseVerb, context: VerbContext): Promise<VerbOutcome> {
    await context.pause(verb.lengthSeconds);
    return 'continue';
  },
};
