/** The moments of a call its progress callbacks are named after (Twilio's StatusCallbackEvent), in firing order. */
export const PROGRESS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
export type ProgressEvent = (typeof PROGRESS_EVENTS)[number];

/** The words of a space- or comma-separated event list, without repeats. */
export function splitEventList(raw: string): string[] {
  return [...new Set(raw.split(/[\s,]+/).filter(Boolean))];
}
