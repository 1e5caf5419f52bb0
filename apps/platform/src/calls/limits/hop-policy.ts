/**
 * Loop protection. Every call has a hop count: an inbound call has the count its INVITE carried (0
 * from outside the platform), an API-originated call has 1, and a `<Dial>` leg has its caller's
 * count plus one. Every INVITE the platform sends carries the count of the leg it places, so a
 * number whose RCML dials itself counts up on each turn until it is refused.
 */
export const API_CALL_HOPS = 1;

export function dialLegHops(callerHops: number): number {
  return callerHops + 1;
}

/** An inbound call at or over the limit is refused (SIP 482 Loop Detected). */
export function isLoop(inboundHops: number, maxHops: number): boolean {
  return inboundHops >= maxHops;
}
