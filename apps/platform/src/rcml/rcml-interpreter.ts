import { RcmlNode, RcmlSchemaError } from './rcml-node';
import { parseRcmlDocument, RcmlParseError } from './rcml-parser';
import { hangupVerb } from './verbs/hangup.verb';
import { pauseVerb } from './verbs/pause.verb';
import type { VerbContext, VerbDefinition } from './verbs/verb';

/** Twilio's codes, so app developers can look them up where they already do. */
export enum RcmlErrorCode {
  DocumentParseFailure = 12100,
  SchemaValidationWarning = 12200,
}

export interface RcmlProblem {
  code: RcmlErrorCode;
  message: string;
}

export type RcmlRunResult =
  /** The document ran to its end (or to a verb that ended the call). */
  | { kind: 'finished' }
  /** The document could not be run; nothing was executed. Callers may try a fallback document. */
  | { kind: 'rejected'; problem: RcmlProblem }
  /** The call went away while the document was running. */
  | { kind: 'interrupted' };

interface CompiledVerb {
  definition: VerbDefinition<unknown>;
  verb: unknown;
}

const DEFAULT_VERBS: VerbDefinition<any>[] = [pauseVerb, hangupVerb];

export class RcmlInterpreter {
  private readonly verbs: Map<string, VerbDefinition<unknown>>;

  constructor(verbs: VerbDefinition<any>[] = DEFAULT_VERBS) {
    this.verbs = new Map(verbs.map((definition) => [definition.name, definition]));
  }

  /** Parses and checks the whole document before running any of it, then runs it against the call. */
  async run(xml: string, context: VerbContext): Promise<RcmlRunResult> {
    let program: CompiledVerb[];
    try {
      program = this.compile(parseRcmlDocument(xml));
    } catch (error) {
      if (error instanceof RcmlParseError) {
        return {
          kind: 'rejected',
          problem: { code: RcmlErrorCode.DocumentParseFailure, message: error.message },
        };
      }
      if (error instanceof RcmlSchemaError) {
        return {
          kind: 'rejected',
          problem: { code: RcmlErrorCode.SchemaValidationWarning, message: error.message },
        };
      }
      throw error;
    }
    for (const { definition, verb } of program) {
      if (context.signal.aborted) return { kind: 'interrupted' };
      const outcome = await definition.execute(verb, context);
      if (outcome === 'end') return { kind: 'finished' };
    }
    if (context.signal.aborted) return { kind: 'interrupted' };
    // Running off the end of the document ends the call, as in TwiML.
    await context.hangup();
    return { kind: 'finished' };
  }

  private compile(root: RcmlNode): CompiledVerb[] {
    return root.children.map((node) => {
      const definition = this.verbs.get(node.name);
      if (!definition) throw new RcmlSchemaError(`<${node.name}> is not a supported verb`);
      return { definition, verb: definition.parse(node) };
    });
  }
}
