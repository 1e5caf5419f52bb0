import { RcmlSchemaError } from '../rcml-node';
import { loopAttribute, resolveUrl, warnUnknownAttributes } from './attribute-parsers';
import type { VerbContext, VerbDefinition } from './verb';

export interface PlayVerb {
  verb: 'Play';
  /** `sound:<platform sound>` or `digits:<dtmf>`; empty when `url` is set. */
  media: string;
  /** An app server's audio file: the platform fetches and converts it, Asterisk plays the result. */
  url: string | null;
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
      return { verb: 'Play', media: `digits:${digits}`, url: null, loop: 1 };
    }
    if (!node.text) throw new RcmlSchemaError('<Play> needs a URL');
    const sound = PLATFORM_SOUND.exec(node.text);
    if (sound) return { verb: 'Play', media: `sound:${sound[1]}`, url: null, loop };
    return { verb: 'Play', media: '', url: resolveUrl(node, node.text, context, 'URL'), loop };
  },
  async execute(verb, context) {
    // Fetched once for all the loops; a file that cannot be played is skipped like Twilio does.
    const media = verb.url ? await context.remoteMedia(verb.url) : verb.media;
    if (media) await playLooped(context, media, verb.loop, context.signal);
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
