import type * as ari from 'ari-client';

/** How the adapter's parts send ARI requests: failures become TelephonyErrors; `quietly` only logs them. */
export interface AriRequests {
  request<T>(what: string, send: (client: ari.Client) => Promise<T>): Promise<T>;
  quietly(what: string, send: (client: ari.Client) => Promise<unknown>): Promise<void>;
}

/** A channel variable or function, '' when it is unset or cannot be read (the channel is gone). */
export function readChannelVariable(ari: AriRequests, channelId: string, variable: string): Promise<string> {
  return ari
    .request('Read variable', (client) => client.channels.getChannelVar({ channelId, variable }))
    .then(
      (result) => (result as { value?: string }).value ?? '',
      () => '',
    );
}

/** The X- headers of the 200 OK that answered an outbound leg. */
export async function readAnswerHeaders(
  ari: AriRequests,
  channelId: string,
): Promise<Record<string, string>> {
  const read = (variable: string) => readChannelVariable(ari, channelId, variable);
  const names = (await read('PJSIP_RESPONSE_HEADERS(X-)')).split(',').filter(Boolean);
  const headers: Record<string, string> = {};
  for (const name of names) headers[name] = await read(`PJSIP_RESPONSE_HEADER(read,${name})`);
  return headers;
}
