import { RcmlSchemaError } from '../rcml-node';
import { loopAttribute, warnUnknownAttributes } from './attribute-parsers';
import { playLooped } from './play.verb';
import type { VerbDefinition } from './verb';

export interface SayVerb {
  verb: 'Say';
  text: string;
  voice: string;
  language: string;
  loop: number;
}

const MAX_TEXT = 4096;

export const sayVerb: VerbDefinition<SayVerb> = {
  name: 'Say',
  parse(node, context) {
    warnUnknownAttributes(node, ['voice', 'language', 'loop'], context);
    if (node.text.length > MAX_TEXT)
      throw new RcmlSchemaError(`<Say> text is longer than ${MAX_TEXT} characters`);
    const language = node.attributes.language ?? 'en-US';
    if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language)) {
      throw new RcmlSchemaError(`<Say> language="${language}" is not a language tag`);
    }
    return {
      verb: 'Say',
      text: node.text,
      voice: node.attributes.voice ?? 'man',
      language,
      loop: loopAttribute(node),
    };
  },
  async execute(verb, context) {
    if (!verb.text) return 'continue';
    const media = await context.speech(verb.text, verb.voice, verb.language);
    await playLooped(context, media, verb.loop, context.signal);
    return 'continue';
  },
};
