/**
 * The raw baseline: a plain ARI script (HTTP with keep-alive and the events WebSocket, no framework,
 * no database) on a Stasis app of its own, doing what the platform does for the same call. It runs as a
 * child process of the bench (forked, commanded over IPC) so its CPU and memory are its own, like the
 * platform's. Timestamps are on the shared clock (clock.ts).
 *
 * - `hangup`: originate; on StasisStart POST the call's document to the app server (as the platform
 *   fetches RCML); when the response is read, DELETE the channel.
 * - `hold`: originate; nothing more: the UAS hangs up.
 * - `bridge`: originate; on StasisStart originate the second leg; on its StasisStart put both in a mixing
 *   bridge; when either leaves, hang up the other and destroy the bridge.
 */
import { Agent, fetch, type Response } from 'undici';
import { WebSocket } from 'ws';
import { now } from './clock';

export type RawBehaviour = 'hangup' | 'hold' | 'bridge';

export type RawCommand =
  | {
      type: 'originate';
      id: string;
      endpoint: string;
      behaviour: RawBehaviour;
      rcmlUrl?: string;
      legEndpoint?: string;
    }
  | { type: 'memory'; gc: boolean }
  | { type: 'hangupAll' }
  | { type: 'stop' };

export type RawReport =
  | { type: 'ready' }
  | { type: 'originated'; id: string; sent: number; responded: number; status: number }
  | { type: 'stasis'; id: string; at: number }
  | { type: 'rcml'; id: string; sent: number; received: number }
  | { type: 'bridged'; id: string; at: number }
  | { type: 'destroyed'; id: string; at: number; cause: number }
  | { type: 'memory'; rss: number; heapUsed: number; live: number }
  | { type: 'error'; id?: string; message: string };

const ARI_URL = process.env.ARI_URL ?? 'http://127.0.0.1:8088';
const APP = process.env.RAW_ARI_APP ?? 'cw-bench-raw';
/**
 * A bounded keep-alive pool: Asterisk's HTTP server takes at most `sessionlimit` (100) connections, and a
 * burst of originates on unbounded sockets would be refused there rather than queued here.
 */
const ARI_POOL = new Agent({
  connections: Number(process.env.RAW_ARI_CONNECTIONS ?? 32),
  keepAliveTimeout: 10_000,
});
const AUTH =
  'Basic ' + Buffer.from(`${process.env.ARI_USERNAME}:${process.env.ARI_PASSWORD}`).toString('base64');

interface RawCall {
  id: string;
  behaviour: RawBehaviour;
  rcmlUrl?: string;
  legEndpoint?: string;
  /** The second leg's channel id and the bridge, for `bridge`. */
  leg?: string;
  bridge?: string;
}

/** Channels by channel id: the call's own (`raw-<id>`) and its second leg (`raw-<id>-b`). */
const calls = new Map<string, RawCall>();
const report = (message: RawReport) => process.send?.(message);

async function ari(method: string, path: string): Promise<Response> {
  return fetch(`${ARI_URL}/ari${path}`, { method, headers: { Authorization: AUTH }, dispatcher: ARI_POOL });
}

async function originate(channelId: string, endpoint: string): Promise<Response> {
  const query = new URLSearchParams({
    endpoint,
    app: APP,
    channelId,
    callerId: '+15550001111',
    timeout: '30',
  });
  return ari('POST', `/channels?${query}`);
}

async function onStasisStart(channelId: string, at: number): Promise<void> {
  const call = calls.get(channelId);
  if (!call) return;
  if (channelId.endsWith('-b')) {
    // The second leg answered: bridge the pair.
    const bridge = `rawbr-${call.id}`;
    call.bridge = bridge;
    await ari('POST', `/bridges?bridgeId=${bridge}&type=mixing`);
    const added = await ari('POST', `/bridges/${bridge}/addChannel?channel=raw-${call.id},${channelId}`);
    if (added.ok) report({ type: 'bridged', id: call.id, at: now() });
    else report({ type: 'error', id: call.id, message: `addChannel ${added.status}` });
    return;
  }
  report({ type: 'stasis', id: call.id, at });
  if (call.behaviour === 'hangup' && call.rcmlUrl) {
    const sent = now();
    const response = await fetch(call.rcmlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ CallSid: channelId, CallStatus: 'in-progress' }),
    });
    await response.text();
    report({ type: 'rcml', id: call.id, sent, received: now() });
    await ari('DELETE', `/channels/${channelId}`);
  } else if (call.behaviour === 'bridge' && call.legEndpoint) {
    const leg = `${channelId}-b`;
    call.leg = leg;
    calls.set(leg, call);
    const response = await originate(leg, call.legEndpoint);
    if (!response.ok) report({ type: 'error', id: call.id, message: `leg originate ${response.status}` });
    await response.text();
  }
}

async function onEnd(channelId: string, at: number, cause: number): Promise<void> {
  const call = calls.get(channelId);
  if (!call) return;
  calls.delete(channelId);
  if (call.behaviour === 'bridge') {
    // Either side gone: end the other and the bridge, as the platform's Dial does.
    const other = channelId.endsWith('-b') ? `raw-${call.id}` : call.leg;
    if (other && calls.has(other)) await ari('DELETE', `/channels/${other}`).catch(() => undefined);
    if (call.bridge && !calls.has(`raw-${call.id}`) && !(call.leg && calls.has(call.leg)))
      await ari('DELETE', `/bridges/${call.bridge}`).catch(() => undefined);
  }
  if (!channelId.endsWith('-b')) report({ type: 'destroyed', id: call.id, at, cause });
}

function connectEvents(): Promise<WebSocket> {
  const url = `${ARI_URL.replace(/^http/, 'ws')}/ari/events?app=${APP}&api_key=${encodeURIComponent(
    `${process.env.ARI_USERNAME}:${process.env.ARI_PASSWORD}`,
  )}`;
  const socket = new WebSocket(url);
  socket.on('message', (data) => {
    const at = now();
    const event = JSON.parse(data.toString());
    const fail = (error: unknown) => report({ type: 'error', message: String(error) });
    if (event.type === 'StasisStart') onStasisStart(event.channel.id, at).catch(fail);
    else if (event.type === 'ChannelDestroyed') onEnd(event.channel.id, at, event.cause).catch(fail);
  });
  return new Promise((resolve, reject) => socket.once('open', () => resolve(socket)).once('error', reject));
}

async function handle(command: RawCommand, socket: WebSocket): Promise<void> {
  switch (command.type) {
    case 'originate': {
      const channelId = `raw-${command.id}`;
      calls.set(channelId, { ...command });
      const sent = now();
      // Every originate is answered, a failed request too (status 0), so the bench never waits forever.
      const status = await originate(channelId, command.endpoint).then(
        async (response) => {
          await response.text();
          return response.status;
        },
        (error: unknown) => {
          report({ type: 'error', id: command.id, message: `originate: ${String(error)}` });
          return 0;
        },
      );
      const responded = now();
      if (status !== 200) calls.delete(channelId);
      report({ type: 'originated', id: command.id, sent, responded, status });
      return;
    }
    case 'memory': {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (command.gc && gc) gc();
      const memory = process.memoryUsage();
      report({ type: 'memory', rss: memory.rss, heapUsed: memory.heapUsed, live: calls.size });
      return;
    }
    case 'hangupAll':
      for (const channelId of [...calls.keys()])
        await ari('DELETE', `/channels/${channelId}`).catch(() => undefined);
      return;
    case 'stop':
      socket.close();
      process.exit(0);
  }
}

async function main(): Promise<void> {
  const socket = await connectEvents();
  process.on('message', (command: RawCommand) =>
    handle(command, socket).catch((error) => report({ type: 'error', message: String(error) })),
  );
  report({ type: 'ready' });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
