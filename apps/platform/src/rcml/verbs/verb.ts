import type { RcmlNode } from '../rcml-node';

/** What a verb may do to the call it runs on. Implemented by the call-control core. */
export interface VerbContext {
  /** Aborted when the call ends or its document is replaced: verbs stop waiting at once. */
  readonly signal: AbortSignal;
  pause(seconds: number): Promise<void>;
  hangup(): Promise<void>;
}

export type VerbOutcome = 'continue' | 'end';

export interface VerbDefinition<TVerb> {
  readonly name: string;
  /** Throws RcmlSchemaError when the element's attributes or content break the schema. */
  parse(node: RcmlNode): TVerb;
  execute(verb: TVerb, context: VerbContext): Promise<VerbOutcome>;
}
