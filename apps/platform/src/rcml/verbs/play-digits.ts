import { RcmlSchemaError } from '../rcml-node';

/** One step of `<Play digits>`: DTMF digits sent in one go, or a pause. */
export type DigitStep = { kind: 'dtmf'; digits: string } | { kind: 'wait'; ms: number };

/** Twilio's `w`: wait half a second. */
export const DIGIT_WAIT_MS = 500;

/** Twilio's `W` in SendDigits: wait a second. */
export const DIGIT_LONG_WAIT_MS = 1000;

/**
 * Parses Twilio's `digits` attribute: 0-9, `*`, `#`, A-D (any case) and `w`. Digits in a row are
 * sent together, `w`s in a row add up to one pause. `W` is read as `w`, unless `longW` (Twilio's
 * SendDigits) makes it a one-second pause.
 */
export function parsePlayDigits(raw: string, longW = false): DigitStep[] {
  if (!/^[0-9*#A-Dw]+$/i.test(raw))
    throw new RcmlSchemaError(`<Play> digits="${raw}" may only contain 0-9, *, #, A-D and w`);
  const steps: DigitStep[] = [];
  for (const original of raw) {
    const char = original.toUpperCase();
    const last = steps.at(-1);
    if (char === 'W') {
      const ms = longW && original === 'W' ? DIGIT_LONG_WAIT_MS : DIGIT_WAIT_MS;
      if (last?.kind === 'wait') last.ms += ms;
      else steps.push({ kind: 'wait', ms });
    } else if (last?.kind === 'dtmf') last.digits += char;
    else steps.push({ kind: 'dtmf', digits: char });
  }
  return steps;
}
