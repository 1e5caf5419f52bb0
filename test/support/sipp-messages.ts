/** What SIPp's -trace_msg file says about the INVITEs a SIPp peer received (see test/support/sipp.ts). */

export interface SippInvite {
  /**
   * Headers of the received INVITE with their names as received (Asterisk sends full names, e.g.
   * `Call-ID`, `X-Test`); repeated headers are joined with ", ". Use {@link sipHeader} for a
   * case-insensitive lookup. For digest-answer this is the authenticated (second) INVITE.
   */
  headers: Record<string, string>;
  requestUri: string;
  callId: string;
}

export interface TimedSippInvite extends SippInvite {
  /** When SIPp received it (ms since the epoch, from its -trace_msg timestamps). */
  receivedAt: number;
}

/** Case-insensitive lookup in {@link SippInvite.headers}. */
export function sipHeader(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : headers[key];
}

/** Every first INVITE of a call in a -trace_msg file, with the time SIPp logged it. */
export function parseInvites(messages: string): TimedSippInvite[] {
  const invites: TimedSippInvite[] = [];
  const seen = new Set<string>();
  const parts = messages.split(/^-{20,} ?([^\n]*)\n/m);
  // split with a capture group: [before, stamp1, block1, stamp2, block2, ...]
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const invite = parseLastInvite(`${'-'.repeat(20)}\n${parts[i + 1]}`);
    if (!invite || seen.has(invite.callId)) continue;
    seen.add(invite.callId);
    // "2026-11-22 08:54:38.181504", local time like SIPp's clock; Date takes milliseconds.
    const stamp = parts[i]
      .trim()
      .replace(' ', 'T')
      .replace(/(\.\d{3})\d*$/, '$1');
    invites.push({ ...invite, receivedAt: new Date(stamp).getTime() });
  }
  return invites;
}

/**
 * The -trace_msg file holds blocks like:
 * ```
 * ----------------------------------------------- 2026-11-22 08:54:38.181504
 * UDP message received [917] bytes :
 *
 * INVITE sip:bob@127.0.0.1:34560 SIP/2.0
 * ...
 * ```
 */
export function parseLastInvite(messages: string): SippInvite | undefined {
  const blocks = messages.split(/^-{20,}[^\n]*\n/m);
  let invite: SippInvite | undefined;
  for (const block of blocks) {
    const match = /^(?:UDP|TCP) message received \[\d+\] bytes :\n+(INVITE [^\n]*)\n([\s\S]*)$/.exec(block);
    if (!match) continue;
    const requestLine = match[1].replace(/\r$/, '');
    const headers: Record<string, string> = {};
    for (const rawLine of match[2].split('\n')) {
      const line = rawLine.replace(/\r$/, '');
      if (line === '') break;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    invite = {
      headers,
      requestUri: requestLine.split(' ')[1] ?? '',
      callId: sipHeader(headers, 'Call-ID') ?? sipHeader(headers, 'i') ?? '',
    };
  }
  return invite;
}
