/**
 * The platform's own SIP header: how many platform-placed INVITEs led to this one. Asterisk passes
 * it to the platform as the second Stasis argument (see asterisk/platform/extensions.conf).
 */
export const HOP_HEADER = 'X-Callwright-Hops';

/** Anything past this is as good as a loop; capping keeps absurd values from meaning anything else. */
const MAX_PARSED_HOPS = 1000;

/**
 * The hop count of an inbound INVITE. A missing or malformed header means the call came from
 * outside the platform (hop 0): a peer that strips or forges it can only hurt its own loops.
 */
export function parseHopCount(raw: string | null | undefined): number {
  const value = raw?.trim() ?? '';
  if (!/^\d{1,6}$/.test(value)) return 0;
  return Math.min(Number(value), MAX_PARSED_HOPS);
}

/**
 * SIP headers for an INVITE: the caller's own, minus any that would pose as the hop header (in any
 * letter case), plus the platform's hop count.
 */
export function withHopHeader(
  headers: Record<string, string> | undefined,
  hops: number,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (name.toLowerCase() !== HOP_HEADER.toLowerCase()) result[name] = value;
  result[HOP_HEADER] = String(hops);
  return result;
}
