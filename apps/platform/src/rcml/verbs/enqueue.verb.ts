import { RcmlSchemaError } from '../rcml-node';
import { methodAttribute, optionalUrlAttribute, warnUnknownAttributes } from './attribute-parsers';
import type { EnqueueRequest, HttpMethod, VerbDefinition } from './verb';

export interface EnqueueVerb {
  verb: 'Enqueue';
  request: EnqueueRequest;
  action: string | null;
  method: HttpMethod;
}

/** Twilio's limit on a queue name. */
export const MAX_QUEUE_NAME = 64;

export function queueName(text: string, element: string): string {
  const name = text.trim();
  if (!name) throw new RcmlSchemaError(`<${element}> needs a queue name`);
  if (name.length > MAX_QUEUE_NAME)
    throw new RcmlSchemaError(`<${element}> queue name must be at most ${MAX_QUEUE_NAME} characters`);
  return name;
}

/**
 * `<Enqueue>`: the call waits in the named queue (created on demand) while its waitUrl document runs
 * again and again, until it is dequeued (`<Dial><Queue>`, the Members API), leaves (`<Leave>`) or
 * hangs up. The action, if any, then hears QueueResult, QueueSid and QueueTime.
 */
export const enqueueVerb: VerbDefinition<EnqueueVerb> = {
  name: 'Enqueue',
  parse(node, context) {
    warnUnknownAttributes(node, ['action', 'method', 'waitUrl', 'waitUrlMethod'], context);
    const waitUrl = optionalUrlAttribute(node, 'waitUrl', context);
    return {
      verb: 'Enqueue',
      request: {
        name: queueName(node.text, 'Enqueue'),
        waitUrl: waitUrl ? { url: waitUrl, method: methodAttribute(node, 'waitUrlMethod', 'POST') } : null,
      },
      action: optionalUrlAttribute(node, 'action', context),
      method: methodAttribute(node, 'method', 'POST'),
    };
  },
  async execute(verb, context) {
    const outcome = await context.enqueue(verb.request);
    const params: Record<string, string> = {
      QueueResult: outcome.result,
      QueueTime: String(outcome.queueTimeSeconds),
    };
    if (outcome.queueSid) params.QueueSid = outcome.queueSid;
    // A caller who hung up in the queue or after its bridge: the action is told, and its answer cannot run.
    if (outcome.callerGone || outcome.result === 'hangup') {
      if (verb.action) await context.notifyApp(verb.action, verb.method, params);
      return 'end';
    }
    if (context.signal.aborted) return 'end';
    if (outcome.redirect) return { next: { ...outcome.redirect, params } };
    if (!verb.action) return 'continue';
    return { next: { url: verb.action, method: verb.method, params } };
  },
};
