/**
 * `npm run bench:media`: how long the far end's audio takes to come out of a Media Stream as a
 * WebSocket `media` frame, beside the same Asterisk media export read by a minimal script.
 *
 * 1. The Asterisk stack starts (asterisk/stack.sh), then the platform (dist/apps/platform/src/main.js)
 *    as a child process, so the bench's own event loop does not share its time.
 * 2. The platform calls the far end's `stream-bench-<port>` phone: that phone's audio is RTP the bench
 *    sends (the far end bridges the call with a UnicastRTP channel towards the bench's port), one
 *    160-byte frame of random mu-law every 20 ms, so the bench knows when each 20 ms went in.
 * 3. The call's document is `<Start><Stream>` to the bench's WebSocket server: the platform path is
 *    far end → SIP → platform Asterisk → snoop → externalMedia RTP → platform → WebSocket.
 * 4. Raw baseline, at the same time on the same call: a minimal script (this file) asks ARI for the
 *    very same export (externalMedia + snoop of the call's channel, in a mixing bridge) towards a
 *    UDP socket of its own and reads the RTP.
 * 5. Each frame sent is found again, by its first 12 bytes, in what each path delivered; its latency
 *    is the arrival time of the packet or message carrying those bytes minus its send time. The first
 *    second is warm-up. Percentiles over the frames found on both paths; "added" is per frame.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';

const ROOT = resolve(__dirname, '..', '..');
const STACK = join(ROOT, 'asterisk', 'stack.sh');
/** Seconds of audio per call, and calls: each snoop ticks at its own 20 ms phase, so several calls even it out. */
const SECONDS = Number(process.env.BENCH_MEDIA_SECONDS ?? 5);
const CALLS = Number(process.env.BENCH_MEDIA_CALLS ?? 8);
const FRAMES_PER_CALL = SECONDS * 50;
const WARMUP_FRAMES = 50;
const TARGET_P50_MS = 60;
const ARI = process.env.ARI_URL ?? 'http://127.0.0.1:8088';
const RAW_APP = 'cw-bench-raw';
const FAR_END = '127.0.0.1:5070';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => ok(port));
    });
  });
}

function bindUdp(): Promise<Socket> {
  return new Promise((ok) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => ok(socket));
  });
}

/** What one path delivered: the bytes, and when each piece of them arrived. */
class Arrivals {
  private readonly pieces: Buffer[] = [];
  private readonly ends: number[] = [];
  private readonly times: number[] = [];
  private length = 0;
  private joined: Buffer | null = null;

  add(payload: Buffer, at: number): void {
    this.pieces.push(payload);
    this.length += payload.length;
    this.ends.push(this.length);
    this.times.push(at);
    this.joined = null;
  }

  /** When the bytes `signature` had arrived whole, or null if they never did. */
  arrivalOf(signature: Buffer): number | null {
    this.joined ??= Buffer.concat(this.pieces);
    const index = this.joined.indexOf(signature);
    if (index < 0) return null;
    const last = index + signature.length;
    let lo = 0;
    let hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] >= last) hi = mid;
      else lo = mid + 1;
    }
    return this.times[lo];
  }

  get bytes(): number {
    return this.length;
  }
}

function rtpPayload(packet: Buffer): Buffer | null {
  if (packet.length < 12 || packet[0] >> 6 !== 2 || (packet[1] & 0x7f) !== 0) return null;
  let offset = 12 + (packet[0] & 0x0f) * 4;
  if (packet[0] & 0x10) offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  return packet.subarray(offset);
}

function rtpPacket(sequence: number, ssrc: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = sequence === 0 ? 0x80 : 0;
  header.writeUInt16BE(sequence & 0xffff, 2);
  header.writeUInt32BE((sequence * 160) >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, payload]);
}

/** Random mu-law with no 0x7f (-0, which decoding and re-encoding in Asterisk turns into 0xff). */
function randomFrame(): Buffer {
  const frame = randomBytes(160);
  for (let i = 0; i < frame.length; i++) if (frame[i] === 0x7f) frame[i] = 0x7e;
  return frame;
}

const stack = (...args: string[]) => execFileSync('bash', [STACK, ...args], { encoding: 'utf8' });

async function ari(password: string, method: string, path: string): Promise<any> {
  const response = await fetch(`${ARI}/ari${path}`, {
    method,
    headers: { Authorization: 'Basic ' + Buffer.from(`callwright:${password}`).toString('base64') },
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** The far end's UnicastRTP channel towards `port`, and the port it listens on for the bench's RTP. */
async function farEndRtpPort(port: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const name = stack('cli', 'farend', 'core show channels concise')
      .split('\n')
      .map((line) => line.split('!')[0])
      .find((channel) => channel.startsWith(`UnicastRTP/127.0.0.1:${port}-`));
    if (name) {
      const local = /UNICASTRTP_LOCAL_PORT=(\d+)/.exec(stack('cli', 'farend', `core show channel ${name}`));
      if (local) return Number(local[1]);
    }
    await sleep(100);
  }
  throw new Error('the far end never dialled the bench');
}

async function startPlatform(dir: string, accountSid: string, token: string, password: string) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/platform/src/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_TYPE: 'sqlite',
      DATABASE_PATH: join(dir, 'bench.sqlite'),
      MEDIA_PATH: join(dir, 'media'),
      RECORDINGS_PATH: join(dir, 'recordings'),
      ARI_PASSWORD: password,
      BOOTSTRAP_ACCOUNT_SID: accountSid,
      BOOTSTRAP_AUTH_TOKEN: token,
      LOG_LEVEL: 'error',
      DRAIN_ON_STOP: 'true',
      DRAIN_TIMEOUT_S: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited with ${child.exitCode}`);
    const health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
    if (health?.ok) return { port, child };
    if (Date.now() > deadline) throw new Error('platform did not start within 60 s');
    await sleep(200);
  }
}

/** The raw baseline's export: what the platform asks ARI for, asked by this script for its own socket. */
async function rawExport(
  password: string,
  callChannelId: string,
  rawPort: number,
): Promise<() => Promise<void>> {
  const events = new WebSocket(
    `${ARI.replace(/^http/, 'ws')}/ari/events?app=${RAW_APP}&api_key=callwright:${encodeURIComponent(password)}`,
  );
  const entered = new Set<string>();
  events.on('message', (data) => {
    const event = JSON.parse(data.toString());
    if (event.type === 'StasisStart') entered.add(event.channel.id);
  });
  await new Promise((ok, fail) => events.once('open', ok).once('error', fail));
  const id = `bench-raw-${randomBytes(4).toString('hex')}`;
  await ari(
    password,
    'POST',
    `/channels/externalMedia?channelId=${id}&app=${RAW_APP}&external_host=127.0.0.1:${rawPort}&format=ulaw&encapsulation=rtp&transport=udp`,
  );
  await ari(
    password,
    'POST',
    `/channels/${callChannelId}/snoop?snoopId=${id}-snoop&spy=in&whisper=none&app=${RAW_APP}`,
  );
  for (let i = 0; i < 100 && !(entered.has(id) && entered.has(`${id}-snoop`)); i++) await sleep(20);
  await ari(password, 'POST', `/bridges?bridgeId=${id}&type=mixing`);
  await ari(password, 'POST', `/bridges/${id}/addChannel?channel=${id},${id}-snoop`);
  return async () => {
    for (const path of [`/channels/${id}`, `/channels/${id}-snoop`, `/bridges/${id}`])
      await ari(password, 'DELETE', path).catch(() => undefined);
    events.close();
  };
}

async function main(): Promise<void> {
  const began = performance.now();
  if (!process.env.ARI_URL) stack('start');
  const password = process.env.ARI_PASSWORD || stack('ari-password').trim();
  const dir = mkdtempSync(join(tmpdir(), 'callwright-media-bench-'));
  const accountSid = 'AC' + randomBytes(16).toString('hex');
  const token = randomBytes(16).toString('hex');
  let platform: { port: number; child: ChildProcess } | null = null;
  let app: Server | null = null;
  let wss: WebSocketServer | null = null;
  const sockets: Socket[] = [];
  try {
    platform = await startPlatform(dir, accountSid, token, password);
    let streamed = new Arrivals();
    let started: ((message: any) => void) | null = null;
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((ok) => wss!.once('listening', ok));
    const wsPort = (wss.address() as AddressInfo).port;
    wss.on('connection', (socket) =>
      socket.on('message', (data) => {
        const at = performance.now();
        const message = JSON.parse(data.toString());
        if (message.event === 'media') streamed.add(Buffer.from(message.media.payload, 'base64'), at);
        else if (message.event === 'start') started?.(message);
      }),
    );
    const rcml =
      `<Response><Start><Stream url="ws://127.0.0.1:${wsPort}/bench"/></Start>` +
      `<Pause length="${SECONDS + 5}"/><Hangup/></Response>`;
    app = createHttpServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'application/xml' }).end(rcml),
    );
    await new Promise<void>((ok) => app!.listen(0, '127.0.0.1', ok));
    const appPort = (app.address() as AddressInfo).port;

    const viaStream: number[] = [];
    const viaRaw: number[] = [];
    const added: number[] = [];
    const addedPerCall: number[] = [];
    const perCall: string[] = [];
    let lost = 0;
    for (let n = 0; n < CALLS; n++) {
      streamed = new Arrivals();
      const raw = new Arrivals();
      const start = new Promise<any>((ok) => (started = ok));
      const source = await bindUdp();
      const rawSocket = await bindUdp();
      sockets.push(source, rawSocket);
      rawSocket.on('message', (packet) => {
        const at = performance.now();
        const payload = rtpPayload(packet);
        if (payload) raw.add(payload, at);
      });
      const sourcePort = (source.address() as AddressInfo).port;
      const created = await fetch(
        `http://127.0.0.1:${platform.port}/2010-04-01/Accounts/${accountSid}/Calls.json`,
        {
          method: 'POST',
          headers: {
            Authorization: 'Basic ' + Buffer.from(`${accountSid}:${token}`).toString('base64'),
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            To: `sip:stream-bench-${sourcePort}@${FAR_END}`,
            From: '+15550001111',
            Url: `http://127.0.0.1:${appPort}/bench.xml`,
          }),
        },
      );
      if (created.status !== 201)
        throw new Error(`creating the call: ${created.status} ${await created.text()}`);
      const callSid = ((await created.json()) as { sid: string }).sid;
      const farEndPort = await farEndRtpPort(sourcePort);
      const startMessage = await Promise.race([start, sleep(20_000).then(() => null)]);
      if (!startMessage || startMessage.start.callSid !== callSid)
        throw new Error('the stream did not start');
      const channels = (await ari(password, 'GET', '/channels')) as Array<{ id: string; name: string }>;
      const call = channels.find((channel) => channel.name.startsWith('PJSIP/'));
      if (!call) throw new Error('the call has no channel on the platform Asterisk');
      const stopRaw = await rawExport(password, call.id, (rawSocket.address() as AddressInfo).port);

      // The far end's audio: one frame every 20 ms on an absolute schedule.
      const sent: Array<{ signature: Buffer; at: number }> = [];
      const ssrc = randomBytes(4).readUInt32BE(0);
      const t0 = performance.now();
      for (let i = 0; i < FRAMES_PER_CALL; i++) {
        const due = t0 + i * 20;
        while (performance.now() < due - 1) await sleep(Math.max(0, due - performance.now() - 1));
        const frame = randomFrame();
        const at = performance.now();
        source.send(rtpPacket(i, ssrc, frame), farEndPort, '127.0.0.1');
        sent.push({ signature: frame.subarray(0, 12), at });
      }
      await sleep(500);
      await stopRaw();
      await ari(password, 'DELETE', `/channels/${call.id}`).catch(() => undefined);
      const callAdded: number[] = [];
      for (const frame of sent.slice(WARMUP_FRAMES)) {
        const s = streamed.arrivalOf(frame.signature);
        const r = raw.arrivalOf(frame.signature);
        if (s === null || r === null) {
          lost++;
          continue;
        }
        viaStream.push(s - frame.at);
        viaRaw.push(r - frame.at);
        callAdded.push(s - r);
      }
      added.push(...callAdded);
      addedPerCall.push(percentile(callAdded, 50));
      perCall.push(
        `${percentile(viaStream.slice(-callAdded.length), 50).toFixed(1)} / ` +
          `${percentile(viaRaw.slice(-callAdded.length), 50).toFixed(1)}`,
      );
      console.log(
        `call ${n + 1}/${CALLS}: ${callAdded.length} frames, added p50 ${percentile(callAdded, 50).toFixed(2)} ms`,
      );
      await sleep(1000);
    }
    const measured = CALLS * (FRAMES_PER_CALL - WARMUP_FRAMES);
    if (viaStream.length < measured / 2)
      throw new Error(`only ${viaStream.length} of ${measured} frames came out of both paths`);

    const ms = (v: number) => v.toFixed(2);
    const p50 = percentile(viaStream, 50);
    const lines = [
      `# Media Streams latency benchmark, ${new Date().toISOString().slice(0, 10)}`,
      '',
      `${CALLS} calls, each ${SECONDS} s of far-end audio (${FRAMES_PER_CALL} frames of 20 ms, the first ` +
        `${WARMUP_FRAMES} as warm-up), Node ${process.version}, ${cpus().length} cores; ${viaStream.length} frames ` +
        `found on both paths, ${lost} not; load average ${loadavg()
          .map((v) => v.toFixed(1))
          .join(' ')} at the end.`,
      '',
      '| path (far end audio in → frame out) | p50 ms | p95 ms | max ms |',
      '|---|---:|---:|---:|',
      `| platform: WebSocket \`media\` message | ${ms(p50)} | ${ms(percentile(viaStream, 95))} | ${ms(Math.max(...viaStream))} |`,
      `| raw baseline: the same export's RTP read by a script | ${ms(percentile(viaRaw, 50))} | ${ms(percentile(viaRaw, 95))} | ${ms(Math.max(...viaRaw))} |`,
      `| added by the platform (per frame, platform − raw) | ${ms(percentile(added, 50))} | ${ms(percentile(added, 95))} | ${ms(Math.max(...added))} |`,
      '',
      `Per call, platform / raw p50: ${perCall.join(', ')} ms; added p50 per call: ` +
        `${addedPerCall.map(ms).join(', ')} ms. Each path has a snoop of its own, and each snoop ` +
        'passes audio on at its own 20 ms tick: within a call the two ticks are a fixed 0-20 ms apart, in either ' +
        'direction, so single calls scatter and the figure over all calls is the fair one.',
      '',
      `Target: platform p50 ≤ ${TARGET_P50_MS} ms: ${p50 <= TARGET_P50_MS ? 'met' : 'MISSED'}. Total run ` +
        `${((performance.now() - began) / 1000).toFixed(0)} s.`,
      '',
      'Far end audio in: the bench sends each frame as RTP into the far end Asterisk, which bridges the called',
      'phone with a UnicastRTP channel towards the bench; so the figures include the far end, the SIP leg and',
      "the platform Asterisk's snoop (it reads in 20 ms ticks), for both paths alike. Frame out: the arrival, in",
      'this process, of the WebSocket message (platform) or UDP packet (raw) carrying the first 12 bytes of the frame.',
    ];
    const report = lines.join('\n') + '\n';
    console.log('\n' + report);
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const out = join(resultsDir, `media-${new Date().toISOString().slice(0, 10)}.md`);
    writeFileSync(out, report);
    console.log(`written to ${out}`);
  } finally {
    for (const socket of sockets) socket.close();
    wss?.close();
    app?.close();
    if (platform) {
      platform.child.kill('SIGTERM');
      await sleep(1000);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
