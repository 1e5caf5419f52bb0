import { RcmlSchemaError } from '../rcml-node';
import { loopAttribute, resolveUrl, warnUnknownAttributes } from './attribute-parsers';
import { DigitStep, parsePlayDigits } from './play-digits';
import type { VerbContext, VerbDefinition } from './verb';

export interface PlayVerb {
  verb: 'Play';
  /** `sound:<platform sound>`; empty when `url` or `digits` is set. */
  media: string;
  /** An app server's audio file: the platform fetches and converts it, Asterisk plays the result. */
  url: string | null;
  /** `<Play digits>`: DTMF sent to the far end, not audio. */
  digits: DigitStep[] | null;
  loop: number;
}

const PLATFORM_SOUND = /^sound:([a-z0-9_-]+(?:\/[a-z0-9_-]+)*)$/i;

export const playVerb: VerbDefinition<PlayVerb> = {
  name: 'Play',
  parse(node, context) {
    warnUnknownAttributes(node, ['loop', 'digits'], context);
    const loop = loopAttribute(node);
    const digits = node.attributes.digits;
    if (digits !== undefined && !node.text) {
      if (!digits) throw new RcmlSchemaError('<Play digits> needs at least one digit');
      return { verb: 'Play', media: '', url: null, digits: parsePlayDigits(digits), loop: 1 };
    }
    if (digits) parsePlayDigits(digits);
    if (!node.text) throw new RcmlSchemaError('<Play> needs a URL');
    const sound = PLATFORM_SOUND.exec(node.text);
    if (sound) return { verb: 'Play', media: `sound:${sound[1]}`, url: null, digits: null, loop };
    return { verb: 'Play', media: '', url: resolveUrl(node, node.text, context, 'URL'), digits: null, loop };
  },
  async execute(verb, context) {
    if (verb.digits) {
      await sendDigits(context, verb.digits);
      return 'continue';
    }
    // Fetched once for all the loops; a file that cannot be played is skipped like Twilio does.
    const media = verb.url ? await context.remoteMedia(verb.url) : verb.media;
    if (media) await playLooped(context, media, verb.loop, context.signal);
    return 'continue';
  },
};

async function sendDigits(context: VerbContext, steps: DigitStep[]): Promise<void> {
  for (const step of steps) {
    if (context.signal.aborted) return;
    if (step.kind === 'wait') await context.pause(step.ms / 1000);
    else await context.sendDtmf(step.digits);
  }
}

export async function playLooped(
  context: VerbContext,
  media: string,
  loop: number,
  signal: AbortSignal,
): Promise<void> {
  for (let i = 0; i < loop && !signal.aborted; i++) await context.play(media, signal);
}
