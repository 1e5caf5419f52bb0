/** Reads the platform Asterisk's live state over ARI REST, to check what the platform did to it. */
const ARI = process.env.ARI_URL ?? 'http://127.0.0.1:8088';
const AUTH =
  'Basic ' +
  Buffer.from(
    `${process.env.ARI_USERNAME ?? 'callwright'}:${process.env.ARI_PASSWORD ?? 'callwright'}`,
  ).toString('base64');

export interface AriBridge {
  id: string;
  bridge_type: string;
  channels: string[];
}

export async function liveBridges(): Promise<AriBridge[]> {
  const response = await fetch(`${ARI}/ari/bridges`, { headers: { Authorization: AUTH } });
  return (await response.json()) as AriBridge[];
}

export interface AriChannel {
  id: string;
  name: string;
  state: string;
}

export async function liveChannels(): Promise<AriChannel[]> {
  const response = await fetch(`${ARI}/ari/channels`, { headers: { Authorization: AUTH } });
  return (await response.json()) as AriChannel[];
}
