import { enumAttribute, warnUnknownAttributes } from './attribute-parsers';
import type { VerbDefinition } from './verb';

export interface RejectVerb {
  verb: 'Reject';
  reason: 'rejected' | 'busy';
}

export const rejectVerb: VerbDefinition<RejectVerb> = {
  name: 'Reject',
  parse(node, context) {
    warnUnknownAttributes(node, ['reason'], context);
    return { verb: 'Reject', reason: enumAttribute(node, 'reason', ['rejected', 'busy'], 'rejected') };
  },
  async execute(verb, context) {
    await context.reject(verb.reason);
    return 'end';
  },
};
