import { RcmlSchemaError } from '../rcml-node';
import { loopAttribute, resolveUrl, warnUnknownAttributes } from './attribute-parsers';
import type { VerbContext, VerbDefinition } from './verb';

export interface PlayVerb {
  verb: 'Play';
  /** `sound:<http(s) url>`, `sound:<platform sound>` or `digits:<dtmf>`. */
  media: string;
  loop: number;
}

const PLATFORM_SOUND = /^sound:([a-z0-9_-]+(?:\/[a-z0-9_-]+)*)$/i;

export const playVerb: VerbDefinition<PlayVerb> = {
  name: 'Play',
  parse(node, context) {
    warnUnknownAttributes(node, ['loop', 'digits'], context);
    const loop = loopAttribute(node);
    const digits = node.attributes.digits ?? '';
    if (!/^[0-9*#wW]*$/.test(digits))
      throw new RcmlSchemaError(`<Play> digits="${digits}" may only contain 0-9, *, # and w`);
    if (node.attributes.digits !== undefined && !node.text) {
      if (!digits) throw new RcmlSchemaError('<Play digits> needs at least one digit');
      return { verb: 'Play', media: `digits:${digits}`, loop: 1 };
    }
    if (!node.text) throw new RcmlSchemaError('<Play> needs a URL');
    const sound = PLATFORM_SOUND.exec(node.text);
    const media = sound ? `sound:${sound[1]}` : `sound:${resolveUrl(node, node.text, context, 'URL')}`;
    return { verb: 'Play', media, loop };
  },
  async execute(verb, context) {
    await playLooped(context, verb.media, verb.loop, context.signal);
    return 'continue';
  },
};

export async function playLooped(
  context: VerbContext,
  media: string,
  loop: number,
  signal: AbortSignal,
): Promise<void> {
  for (let i = 0; i < loop && !signal.aborted; i++) await context.play(media, signal);
}
