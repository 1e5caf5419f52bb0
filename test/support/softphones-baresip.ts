import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  endProcess,
  freeSipPort,
  freeTcpPort,
  rtpPortRange,
  waitFor,
  writeToneWav,
} from './softphones-common';

export interface BaresipOptions {
  /** SIP user (a Client's login): From, To and digest username. */
  user: string;
  password: string;
  /** The AOR's host part; the platform's SIP port by default. */
  domain?: string;
  /** Where to send REGISTER and calls when that is not the domain (an outbound proxy). */
  registrar?: string;
  /** Answer incoming calls at once (baresip `answermode=auto`). */
  autoAnswer?: boolean;
}

/** An event baresip's ctrl_tcp module sends (`CALL_ESTABLISHED`, `CALL_CLOSED`, `REGISTER_OK`...). */
export interface BaresipEvent {
  type: string;
  class?: string;
  /** The call's SIP Call-ID. */
  id?: string;
  direction?: 'incoming' | 'outgoing';
  peeruri?: string;
  param?: string;
  accountaor?: string;
}

/** One SIP message of baresip's `-s` trace. */
export interface SipTraceMessage {
  direction: 'sent' | 'received';
  text: string;
}

interface Pending {
  resolve: (data: string) => void;
  reject: (error: Error) => void;
}

const START_TIMEOUT_MS = 5000;
const COMMAND_TIMEOUT_MS = 5000;
// `-t`: baresip exits by itself even if a test never stops it.
const MAX_LIFETIME_S = 600;
// Trace blocks: `ESC[36;1m#\n<transport> <from> -> <to>\n<message>ESC[;m`.
const ESC = String.fromCharCode(27);
const TRACE_BLOCK = new RegExp(`${ESC}\\[36;1m#\\n(\\S+) (\\S+) -> (\\S+)\\n([\\s\\S]*?)${ESC}\\[;m`, 'g');
const COLOUR = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

/**
 * baresip 1.0.0 as a registered SIP phone, headless: audio from a tone file, played into nothing
 * (aubridge). Scripted through ctrl_tcp, which takes one TCP client only, so the one connection
 * both sends commands (JSON netstrings, answered by token) and collects the events.
 */
export class Baresip {
  readonly events: BaresipEvent[] = [];
  private output = '';
  private socket!: Socket;
  private received = Buffer.alloc(0);
  private nextToken = 1;
  private readonly pending = new Map<string, Pending>();

  private constructor(
    readonly options: BaresipOptions,
    readonly sipPort: number,
    readonly ctrlPort: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => (this.output += chunk.toString());
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
  }

  /** Starts baresip with its own config folder and waits until it is registered. */
  static async start(options: BaresipOptions): Promise<Baresip> {
    const dir = mkdtempSync(join(tmpdir(), `cw-baresip-${options.user}-`));
    const sipPort = await freeSipPort();
    // baresip takes sipPort+1 too (freeSipPort keeps it free), so the ephemeral port the system hands out
    // for ctrl_tcp must be neither.
    let ctrlPort = await freeTcpPort();
    while (ctrlPort === sipPort || ctrlPort === sipPort + 1) ctrlPort = await freeTcpPort();
    const rtp = rtpPortRange();
    const tone = join(dir, 'tone.wav');
    writeToneWav(tone);
    const config = join(dir, 'config');
    mkdirSync(config);
    writeFileSync(
      join(config, 'config'),
      [
        'poll_method epoll',
        // 'lo' does not work ("could not get IPv4 address"); the address does.
        'net_interface 127.0.0.1',
        `sip_listen 127.0.0.1:${sipPort}`,
        `audio_player aubridge,${options.user}`,
        `audio_source aufile,${tone}`,
        `audio_alert aubridge,${options.user}`,
        'ausrc_srate 8000',
        'auplay_srate 8000',
        'ausrc_channels 1',
        'auplay_channels 1',
        `rtp_ports ${rtp.first}-${rtp.last}`,
        'statmode_default off',
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module aubridge.so',
        'module_tmp uuid.so',
        'module_tmp account.so',
        // menu provides the commands (dial, hold, transfer...); ctrl_tcp only hands them over.
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        '',
      ].join('\n'),
    );
    const domain = options.domain ?? '127.0.0.1:5060';
    const outbound = options.registrar ? `;outbound="sip:${options.registrar};transport=udp"` : '';
    writeFileSync(
      join(config, 'accounts'),
      `<sip:${options.user}@${domain};transport=udp>;auth_user=${options.user};auth_pass=${options.password};` +
        `${outbound};regint=600;audio_codecs=pcmu` +
        (options.autoAnswer ? ';answermode=auto' : ';answermode=manual') +
        '\n',
    );
    const child = spawn('baresip', ['-f', config, '-s', '-t', String(MAX_LIFETIME_S)], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const phone = new Baresip(options, sipPort, ctrlPort, dir, child);
    try {
      await phone.connect();
      await phone.waitForRegistration();
    } catch (error) {
      await phone.stop();
      throw new Error(`baresip ${options.user} did not start: ${(error as Error).message}\n${phone.output}`);
    }
    return phone;
  }

  /** The phone's address, for a `sip:` Dial straight to it. */
  get contactUri(): string {
    return `sip:${this.options.user}@127.0.0.1:${this.sipPort}`;
  }

  /** Sends a menu command (`hold`, `transfer sip:...`); resolves with its text output. */
  async command(line: string): Promise<string> {
    const [command, ...rest] = line.split(' ');
    const token = String(this.nextToken++);
    const json = JSON.stringify({ command, params: rest.join(' '), token });
    const reply = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new Error(`baresip ${this.options.user}: no reply to "${line}"`));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(token, {
        resolve: (data) => (clearTimeout(timer), resolve(data)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
    this.socket.write(`${Buffer.byteLength(json)}:${json},`);
    return reply;
  }

  dial(uri: string) {
    return this.command(`dial ${uri}`);
  }
  accept() {
    return this.command('accept');
  }
  hangup() {
    return this.command('hangup');
  }
  hold() {
    return this.command('hold');
  }
  resume() {
    return this.command('resume');
  }
  /** Blind transfer of the current call: an in-dialog REFER to `uri`. */
  transfer(uri: string) {
    return this.command(`transfer ${uri}`);
  }

  /** The first event (after the `after`th) of `type` that matches; waits for it when none came yet. */
  waitForEvent(
    type: string,
    options: { timeoutMs?: number; after?: number; match?: (event: BaresipEvent) => boolean } = {},
  ): Promise<BaresipEvent> {
    return waitFor(
      () =>
        this.events
          .slice(options.after ?? 0)
          .find((event) => event.type === type && (options.match?.(event) ?? true)),
      options.timeoutMs ?? 10000,
      `baresip ${this.options.user} event ${type}`,
    );
  }

  /** Everything baresip printed, SIP trace included. */
  get log(): string {
    return this.output;
  }

  /** The SIP messages it sent and received, in order. */
  sipTrace(): SipTraceMessage[] {
    return [...this.output.matchAll(TRACE_BLOCK)].map((match) => ({
      direction: match[2].endsWith(`:${this.sipPort}`) ? 'sent' : 'received',
      text: match[4],
    }));
  }

  /** Waits until a traced message satisfies `match`; resolves with it. */
  waitForSip(
    match: (message: SipTraceMessage) => boolean,
    what: string,
    timeoutMs = 10000,
  ): Promise<SipTraceMessage> {
    return waitFor(() => this.sipTrace().find(match), timeoutMs, `baresip ${this.options.user}: ${what}`);
  }

  /** Hangs up what is left, unregisters and ends the process; removes its folder. */
  async stop(): Promise<void> {
    this.socket?.destroy();
    for (const pending of this.pending.values()) pending.reject(new Error('baresip stopped'));
    this.pending.clear();
    // SIGTERM lets baresip unregister, so the Client's contact does not outlive the test.
    await endProcess(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async connect(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`baresip exited (${this.child.exitCode})`);
      try {
        this.socket = await new Promise<Socket>((resolve, reject) => {
          const socket = connect(this.ctrlPort, '127.0.0.1');
          socket.once('connect', () => resolve(socket));
          socket.once('error', reject);
        });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => undefined);
  }

  private async waitForRegistration(): Promise<void> {
    // REGISTER_OK may come before ctrl_tcp has a client: ask for the state instead of waiting for it.
    const deadline = Date.now() + START_TIMEOUT_MS;
    // The state is coloured: `ESC[32mOK ESC[;m`.
    while (!/\sOK\s/.test((await this.command('reginfo')).replace(COLOUR, ' '))) {
      if (Date.now() > deadline) throw new Error('not registered');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Netstrings `<length>:<json>,`, possibly split across or packed into TCP chunks. */
  private onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    for (;;) {
      const colon = this.received.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.received.subarray(0, colon).toString());
      const end = colon + 1 + length;
      if (this.received.length < end + 1) return;
      const json = this.received.subarray(colon + 1, end).toString();
      this.received = this.received.subarray(end + 1);
      this.onMessage(JSON.parse(json) as Record<string, unknown>);
    }
  }

  private onMessage(message: Record<string, unknown>): void {
    if (message.event) {
      this.events.push(message as unknown as BaresipEvent);
      return;
    }
    if (!message.response) return;
    const pending = this.pending.get(String(message.token));
    if (!pending) return;
    this.pending.delete(String(message.token));
    if (message.ok === false) pending.reject(new Error(`baresip: ${String(message.data)}`));
    else pending.resolve(String(message.data ?? ''));
  }
}
