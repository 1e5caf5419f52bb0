import { integerAttribute, warnUnknownAttributes } from './attribute-parsers';
import type { VerbDefinition } from './verb';

export interface PauseVerb {
  verb: 'Pause';
  lengthSeconds: number;
}

export const pauseVerb: VerbDefinition<PauseVerb> = {
  name: 'Pause',
  parse(node, context) {
    warnUnknownAttributes(node, ['length'], context);
    return { verb: 'Pause', lengthSeconds: integerAttribute(node, 'length', 1, 0, 3600) };
  },
  async execute(verb, context) {
    await context.pause(verb.lengthSeconds);
    return 'continue';
  },
};
