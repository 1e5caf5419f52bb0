import { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';

/** Asterisk's RTP ranges in this stack are 10000-19999 (platform and far end); phones stay above. */
const PHONE_RTP_FIRST = 20000;
const PHONE_RTP_BLOCKS = 400;
const PHONE_RTP_BLOCK_SIZE = 100;
let nextRtpBlock = Math.floor(Math.random() * PHONE_RTP_BLOCKS);

/** A block of RTP ports for one phone; consecutive phones get different blocks. */
export function rtpPortRange(): { first: number; last: number } {
  const block = nextRtpBlock++ % PHONE_RTP_BLOCKS;
  const first = PHONE_RTP_FIRST + block * PHONE_RTP_BLOCK_SIZE;
  return { first, last: first + PHONE_RTP_BLOCK_SIZE - 1 };
}

const canBindUdp = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });

const canBindTcp = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A SIP port free on UDP and TCP together with the `extra` ports after it: baresip also binds
 * TCP and TLS on its SIP port and the next one, so two instances must not sit side by side.
 */
export async function freeSipPort(extra = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30000 + Math.floor(Math.random() * 20000);
    let free = true;
    for (let port = base; port <= base + extra && free; port++)
      free = (await canBindUdp(port)) && (await canBindTcp(port));
    if (free) return base;
  }
  throw new Error('no free SIP port for a softphone');
}

export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Two minutes of a 440 Hz tone, 8 kHz 16-bit mono WAV: what a phone "says" into the call. baresip hangs
 * up a call when its audio file ends ("end of file"), so the file outlasts any call of a test.
 */
export function writeToneWav(path: string): void {
  const rate = 8000;
  const samples = rate * 120;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** Polls `check` until it returns a value, or fails naming `what`. */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Ends a phone process: politely first, then for good; resolves once it is gone. */
export async function endProcess(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
