import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const STACK = join(__dirname, '..', '..', 'asterisk', 'stack.sh');

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

/** What `core show channel <name>` says: the platform Asterisk's own view of a channel (formats, app...). */
export async function channelReport(name: string): Promise<string> {
  const { stdout } = await run('bash', [STACK, 'cli', 'platform', `core show channel ${name}`]);
  return stdout;
}

/**
 * The live channel of an extension's phone (`PJSIP/<number>@<domain>-...`); the domain matters, since
 * other tests' tenants have the same numbers.
 */
export async function extensionChannel(extension: string, domain: string): Promise<AriChannel | undefined> {
  return (await liveChannels()).find((channel) => channel.name.startsWith(`PJSIP/${extension}@${domain}-`));
}

/**
 * What Asterisk writes to the channel's phone: the call's codec (ulaw), or the music-on-hold files'
 * (gsm) while it plays the channel music on hold.
 */
export async function writeFormat(channelName: string): Promise<string | undefined> {
  return /WriteFormat: (\S+)/.exec(await channelReport(channelName))?.[1];
}
