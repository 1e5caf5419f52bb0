/**
 * The little SIP the bench's UAS needs (RFC 3261 over UDP): parse a request, build its responses, and
 * build the in-dialog BYE with which a held call's far end hangs up. Pure, so it is unit-tested.
 */

export interface SipRequest {
  method: string;
  uri: string;
  /** Header values by lower-case full name, in arrival order (Via may repeat). */
  headers: Map<string, string[]>;
  body: string;
}

export interface SipResponse {
  status: number;
  reason: string;
  headers: Map<string, string[]>;
  body: string;
}

// RFC 3261 §7.3.3 compact forms.
const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
};

function parseHeaders(lines: string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: string | null = null;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last) {
      // Folded continuation line (RFC 3261 §7.3.1).
      const values = headers.get(last)!;
      values[values.length - 1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const value = line.slice(colon + 1).trim();
    // Via and Contact may carry several comma-separated values; only Via's split matters to us.
    const values = name === 'via' ? value.split(/,(?=\s*SIP\/)/i).map((v) => v.trim()) : [value];
    headers.set(name, [...(headers.get(name) ?? []), ...values]);
    last = name;
  }
  return headers;
}

function split(text: string): { start: string; headers: Map<string, string[]>; body: string } | null {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  let body = end < 0 ? '' : text.slice(end + 4);
  const [start, ...lines] = head.split('\r\n');
  if (!start) return null;
  const headers = parseHeaders(lines);
  const length = Number(headers.get('content-length')?.[0] ?? body.length);
  if (Number.isFinite(length)) body = Buffer.from(body).subarray(0, length).toString();
  return { start, headers, body };
}

/** A SIP request, or null if `text` is not one (a response, a keep-alive, garbage). */
export function parseRequest(text: string): SipRequest | null {
  const parts = split(text);
  const match = parts && /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(parts.start);
  if (!parts || !match) return null;
  return { method: match[1], uri: match[2], headers: parts.headers, body: parts.body };
}

/** A SIP response, or null if `text` is not one. */
export function parseResponse(text: string): SipResponse | null {
  const parts = split(text);
  const match = parts && /^SIP\/2\.0 (\d{3}) (.*)$/.exec(parts.start);
  if (!parts || !match) return null;
  return { status: Number(match[1]), reason: match[2], headers: parts.headers, body: parts.body };
}

export function header(message: { headers: Map<string, string[]> }, name: string): string | undefined {
  return message.headers.get(name.toLowerCase())?.[0];
}

/** The user part of a SIP URI (`sip:user@host`), or '' without one. */
export function uriUser(uri: string): string {
  const match = /^sips?:([^@;>]+)@/.exec(uri.replace(/^<|>$/g, ''));
  return match ? decodeURIComponent(match[1]) : '';
}

/** The `tag` parameter of a From/To value, if any. */
export function tagOf(value: string | undefined): string | undefined {
  return value ? /;\s*tag=([^;>\s]+)/i.exec(value)?.[1] : undefined;
}

/** The URI inside a name-addr (`"x" <sip:a@b>;p=1`) or an addr-spec. */
export function addressUri(value: string): string {
  const angled = /<([^>]+)>/.exec(value);
  return (angled ? angled[1] : value.split(';')[0]).trim();
}

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  501: 'Not Implemented',
};

/**
 * A response to `request`: Via, From, Call-ID and CSeq copied, To with `toTag` added when the request's
 * To has none (every response but 100 needs one), Content-Length always.
 */
export function buildResponse(
  request: SipRequest,
  status: number,
  options: { toTag?: string; contact?: string; sdp?: string; reason?: string } = {},
): string {
  const lines = [`SIP/2.0 ${status} ${options.reason ?? REASONS[status] ?? 'Unknown'}`];
  for (const via of request.headers.get('via') ?? []) lines.push(`Via: ${via}`);
  lines.push(`From: ${header(request, 'from') ?? ''}`);
  let to = header(request, 'to') ?? '';
  if (status !== 100 && options.toTag && !tagOf(to)) to += `;tag=${options.toTag}`;
  lines.push(`To: ${to}`);
  lines.push(`Call-ID: ${header(request, 'call-id') ?? ''}`);
  lines.push(`CSeq: ${header(request, 'cseq') ?? ''}`);
  if (options.contact) lines.push(`Contact: <${options.contact}>`);
  if (options.sdp) lines.push('Content-Type: application/sdp');
  const body = options.sdp ?? '';
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

/** A minimal audio answer: PCMU on `rtpPort` of `address`, and telephone-event. */
export function answerSdp(address: string, rtpPort: number, sessionId: number): string {
  return (
    [
      'v=0',
      `o=bench ${sessionId} ${sessionId} IN IP4 ${address}`,
      's=bench',
      `c=IN IP4 ${address}`,
      't=0 0',
      `m=audio ${rtpPort} RTP/AVP 0 101`,
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=sendrecv',
    ].join('\r\n') + '\r\n'
  );
}

/** What the UAS keeps of an answered INVITE to hang it up later (RFC 3261 §12.1.1, UAS side). */
export interface Dialog {
  callId: string;
  /** Our From for requests we send: the INVITE's To with our tag. */
  local: string;
  /** Our To: the INVITE's From (with the caller's tag). */
  remote: string;
  /** Where in-dialog requests go: the INVITE's Contact. */
  target: string;
  /** The INVITE's Record-Route: a UAS uses it as its route set in the order received. */
  routes: string[];
  cseq: number;
}

export function dialogOf(invite: SipRequest, toTag: string): Dialog {
  const to = header(invite, 'to') ?? '';
  return {
    callId: header(invite, 'call-id') ?? '',
    local: tagOf(to) ? to : `${to};tag=${toTag}`,
    remote: header(invite, 'from') ?? '',
    target: addressUri(header(invite, 'contact') ?? invite.uri),
    routes: invite.headers.get('record-route') ?? [],
    cseq: 1,
  };
}

/** The BYE with which our side ends `dialog`, sent from `via` (host:port), branch given. */
export function buildBye(dialog: Dialog, via: string, branch: string): string {
  const lines = [
    `BYE ${dialog.target} SIP/2.0`,
    `Via: SIP/2.0/UDP ${via};rport;branch=z9hG4bK${branch}`,
    'Max-Forwards: 70',
    `From: ${dialog.local}`,
    `To: ${dialog.remote}`,
    `Call-ID: ${dialog.callId}`,
    `CSeq: ${dialog.cseq} BYE`,
    ...dialog.routes.map((route) => `Route: ${route}`),
    'Content-Length: 0',
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}
