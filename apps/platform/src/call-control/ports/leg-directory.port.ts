import type { CallLeg } from '../legs/call-leg';

/** The live legs of this node, by CallSid (the facade that creates legs keeps them). */
export abstract class LegDirectory {
  abstract find(callSid: string): CallLeg | undefined;
}
