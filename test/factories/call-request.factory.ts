export const FAR_END = '127.0.0.1:5070';

/** sip: URI of a simulated phone on the far-end Asterisk (answer, busy, decline, unavailable, noanswer, congestion...). */
export const farEndUri = (user: string, transport?: 'tcp' | 'udp') =>
  `sip:${user}@${FAR_END}${transport ? `;transport=${transport}` : ''}`;

export interface CallRequest {
  From?: string;
  To?: string;
  Url?: string;
  [name: string]: string | undefined;
}

export function buildCallRequest(overrides: CallRequest = {}): Record<string, string> {
  const request: CallRequest = { From: '+15550001111', To: farEndUri('answer'), ...overrides };
  return Object.fromEntries(
    Object.entries(request).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
