import { RcmlNode, RcmlSchemaError } from '../rcml-node';
import {
  digitKeysAttribute,
  enumAttribute,
  integerAttribute,
  methodAttribute,
  optionalUrlAttribute,
  warnUnknownAttributes,
} from './attribute-parsers';
import { pauseVerb } from './pause.verb';
import { playVerb } from './play.verb';
import { sayVerb } from './say.verb';
import type { HttpMethod, ParseContext, VerbContext, VerbDefinition } from './verb';

const NESTABLE: VerbDefinition<any>[] = [sayVerb, playVerb, pauseVerb];

interface NestedVerb {
  definition: VerbDefinition<unknown>;
  verb: unknown;
}

export interface GatherVerb {
  verb: 'Gather';
  numDigits: number | null;
  finishOnKey: string;
  timeoutSeconds: number;
  /** Null in an inline document without an action: the next verb runs. */
  action: string | null;
  method: HttpMethod;
  prompts: NestedVerb[];
}

function parseNested(node: RcmlNode, context: ParseContext): NestedVerb[] {
  const prompts: NestedVerb[] = [];
  for (const child of node.children) {
    const definition = NESTABLE.find((candidate) => candidate.name === child.name);
    if (!definition) {
      context.warn(`<${child.name}> cannot be nested in <Gather> and was skipped`);
      continue;
    }
    try {
      prompts.push({ definition, verb: definition.parse(child, context) });
    } catch (error) {
      if (!(error instanceof RcmlSchemaError)) throw error;
      context.warn(`${error.message}; the nested verb was skipped`);
    }
  }
  return prompts;
}

/** The nested verbs see a context whose signal also aborts on the first digit. */
function promptContext(context: VerbContext, signal: AbortSignal): VerbContext {
  const combined = AbortSignal.any([context.signal, signal]);
  return Object.assign(Object.create(context) as VerbContext, {
    signal: combined,
    pause: (seconds: number) => context.pause(seconds, combined),
    play: (media: string, playSignal: AbortSignal) =>
      context.play(media, AbortSignal.any([playSignal, combined])),
  });
}

export const gatherVerb: VerbDefinition<GatherVerb> = {
  name: 'Gather',
  parse(node, context) {
    warnUnknownAttributes(
      node,
      ['input', 'numDigits', 'finishOnKey', 'timeout', 'action', 'method'],
      context,
    );
    const input = enumAttribute(node, 'input', ['dtmf', 'speech', 'dtmf speech', 'speech dtmf'], 'dtmf');
    if (input !== 'dtmf')
      context.warn(`<Gather input="${input}">: speech input is not supported; collecting DTMF only`);
    const numDigits =
      node.attributes.numDigits === undefined ? null : integerAttribute(node, 'numDigits', 1, 1, 128);
    return {
      verb: 'Gather',
      numDigits,
      finishOnKey: digitKeysAttribute(node, 'finishOnKey', '#').slice(0, 1),
      timeoutSeconds: integerAttribute(node, 'timeout', 5, 1, 600),
      // Like TwiML, without an action the digits go back to the current document.
      action: optionalUrlAttribute(node, 'action', context) ?? context.documentUrl,
      method: methodAttribute(node, 'method', 'POST'),
      prompts: parseNested(node, context),
    };
  },
  async execute(verb, context) {
    const { digits, finishedOnKey } = await context.collectDigits({
      numDigits: verb.numDigits,
      finishOnKey: verb.finishOnKey,
      timeoutSeconds: verb.timeoutSeconds,
      prompt: async (signal) => {
        const nested = promptContext(context, signal);
        for (const { definition, verb: prompt } of verb.prompts) {
          if (nested.signal.aborted) return;
          await definition.execute(prompt, nested);
        }
      },
    });
    if (context.signal.aborted) return 'end';
    if (!digits) return 'continue';
    if (!verb.action) return 'continue';
    return {
      next: {
        url: verb.action,
        method: verb.method,
        params: { Digits: digits, FinishedOnKey: finishedOnKey },
      },
    };
  },
};
