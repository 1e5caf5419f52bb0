import { RcmlNode, RcmlSchemaError } from './rcml-node';
import { parseRcmlDocument, RcmlParseError } from './rcml-parser';
import { connectVerb } from './verbs/connect.verb';
import { dialVerb } from './verbs/dial.verb';
import { enqueueVerb } from './verbs/enqueue.verb';
import { gatherVerb } from './verbs/gather.verb';
import { hangupVerb } from './verbs/hangup.verb';
import { leaveVerb } from './verbs/leave.verb';
import { pauseVerb } from './verbs/pause.verb';
import { playVerb } from './verbs/play.verb';
import { recordVerb } from './verbs/record.verb';
import { redirectVerb } from './verbs/redirect.verb';
import { rejectVerb } from './verbs/reject.verb';
import { sayVerb } from './verbs/say.verb';
import { startVerb } from './verbs/start.verb';
import { stopVerb } from './verbs/stop.verb';
import type { HttpMethod, NextDocument, VerbContext, VerbDefinition } from './verbs/verb';

/** Twilio's codes, so app developers can look them up where they already do. */
export enum RcmlErrorCode {
  DocumentParseFailure = 12100,
  SchemaValidationWarning = 12200,
}

export interface RcmlProblem {
  code: RcmlErrorCode;
  message: string;
}

export interface RcmlDocument {
  /** Null for an inline document (Twilio's Twiml): relative URLs in it cannot be resolved. */
  url: string | null;
  method: HttpMethod;
  xml: string;
}

export type RcmlRunResult =
  /** The document ran to its end (or to a verb that ended the call). */
  | { kind: 'finished' }
  /** The document could not be run; nothing was executed. Callers may try a fallback document. */
  | { kind: 'rejected'; problem: RcmlProblem }
  /** The call went away while the document was running. */
  | { kind: 'interrupted' }
  /** A verb sent the call to another document (Redirect, Gather or Record action). */
  | { kind: 'next'; next: NextDocument };

interface CompiledVerb {
  definition: VerbDefinition<unknown>;
  verb: unknown;
}

export const SUPPORTED_VERBS: VerbDefinition<any>[] = [
  sayVerb,
  playVerb,
  pauseVerb,
  gatherVerb,
  recordVerb,
  hangupVerb,
  rejectVerb,
  redirectVerb,
  dialVerb,
  startVerb,
  stopVerb,
  connectVerb,
  enqueueVerb,
  leaveVerb,
];

/** Verbs that must not answer an unanswered inbound call before they run. */
const RUN_UNANSWERED = new Set(['Reject']);

export interface RunOptions {
  /** A screening document runs on the callee of a Dial: no Dial in it, and its end connects rather than hangs up. */
  screening?: boolean;
  /** Parameters of the first document's request only (MachineDetectionDuration). */
  firstRequestParams?: Record<string, string>;
}

export class RcmlInterpreter {
  private readonly verbs: Map<string, VerbDefinition<unknown>>;

  constructor(verbs: VerbDefinition<any>[] = SUPPORTED_VERBS) {
    this.verbs = new Map(verbs.map((definition) => [definition.name, definition]));
  }

  /**
   * Parses and checks the whole document before running any of it. Schema problems in single verbs
   * are reported through `warn` and those verbs skipped; an unparsable document is rejected whole.
   */
  async run(
    document: RcmlDocument,
    context: VerbContext,
    warn: (problem: RcmlProblem) => Promise<void>,
    options: RunOptions = {},
  ): Promise<RcmlRunResult> {
    const warnings: string[] = [];
    let program: CompiledVerb[];
    try {
      program = this.compile(parseRcmlDocument(document.xml), document, warnings, options);
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
    for (const message of warnings) await warn({ code: RcmlErrorCode.SchemaValidationWarning, message });
    for (const { definition, verb } of program) {
      if (context.signal.aborted) return { kind: 'interrupted' };
      const needsAnswer = definition.needsAnswer
        ? definition.needsAnswer(verb)
        : !RUN_UNANSWERED.has(definition.name);
      if (needsAnswer) await context.answer();
      if (context.signal.aborted) return { kind: 'interrupted' };
      const outcome = await definition.execute(verb, context);
      if (outcome === 'end') return { kind: 'finished' };
      if (outcome !== 'continue')
        return context.signal.aborted ? { kind: 'interrupted' } : { kind: 'next', next: outcome.next };
    }
    if (context.signal.aborted) return { kind: 'interrupted' };
    if (options.screening) return { kind: 'finished' };
    // Running off the end of the document ends the call, as in TwiML.
    await context.hangup();
    return { kind: 'finished' };
  }

  private compile(
    root: RcmlNode,
    document: RcmlDocument,
    warnings: string[],
    options: RunOptions,
  ): CompiledVerb[] {
    const parseContext = {
      documentUrl: document.url,
      documentMethod: document.method,
      warn: (message: string) => void warnings.push(message),
    };
    const program: CompiledVerb[] = [];
    for (const node of root.children) {
      if (options.screening && node.name === 'Dial') {
        warnings.push('<Dial> is not allowed in a screening document and was skipped');
        continue;
      }
      const definition = this.verbs.get(node.name);
      if (!definition) {
        warnings.push(`<${node.name}> is not a supported verb and was skipped`);
        continue;
      }
      try {
        program.push({ definition, verb: definition.parse(node, parseContext) });
      } catch (error) {
        if (!(error instanceof RcmlSchemaError)) throw error;
        warnings.push(`${error.message}; the verb was skipped`);
      }
    }
    return program;
  }
}
