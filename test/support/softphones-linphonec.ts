import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endProcess, freeSipPort, rtpPortRange, waitFor } from './softphones-common';

export interface LinphonecOptions {
  /** SIP user (a Client's login): identity and digest username. */
  user: string;
  password: string;
  /** The identity's host part, where REGISTER goes too unless `registrar` is given. */
  domain?: string;
  /** Where to send REGISTER and calls when that is not the domain (an outbound proxy). */
  registrar?: string;
  /** linphonec `-a`: answers by itself, but then refuses a second call with 486 while busy. */
  autoAnswer?: boolean;
}

const START_TIMEOUT_MS = 8000;

/**
 * linphonec 5.1 (Debian linphone-cli) as a registered SIP phone, for what baresip cannot do: attended
 * transfer (REFER with Replaces). Scripted through its stdin, one command a line; calls are named by
 * the ids it prints (`assigned id N`).
 */
export class Linphonec {
  private output = '';

  private constructor(
    readonly options: LinphonecOptions,
    readonly sipPort: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => (this.output += chunk.toString());
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
  }

  static async start(options: LinphonecOptions): Promise<Linphonec> {
    const dir = mkdtempSync(join(tmpdir(), `cw-linphonec-${options.user}-`));
    // Without a writable data folder under HOME the core starts without a SIP listening point.
    const home = join(dir, 'home');
    mkdirSync(join(home, '.local', 'share', 'linphone'), { recursive: true });
    const sipPort = await freeSipPort(0);
    const rtp = rtpPortRange();
    const domain = options.domain ?? '127.0.0.1';
    const registrar = options.registrar ?? '127.0.0.1:5060';
    writeFileSync(
      join(dir, 'linphonerc'),
      [
        '[sip]',
        `sip_port=${sipPort}`,
        'sip_tcp_port=-1',
        'sip_tls_port=-1',
        'bind_address=127.0.0.1',
        '[rtp]',
        `audio_rtp_port=${rtp.first}-${rtp.first + 49}`,
        `video_rtp_port=${rtp.first + 50}-${rtp.last}`,
        '[net]',
        // No network monitoring inside a loopback-only namespace: the network is simply up.
        'auto_net_state_mon=0',
        '[video]',
        'capture=0',
        'display=0',
        '[proxy_0]',
        `reg_proxy=<sip:${registrar};transport=udp>`,
        `reg_identity=sip:${options.user}@${domain}`,
        // A domain that no DNS knows (a tenant's): calls go through the registrar, as REGISTER does.
        ...(options.registrar ? [`reg_route=<sip:${registrar};transport=udp;lr>`] : []),
        'reg_expires=600',
        'reg_sendregister=1',
        '[auth_info_0]',
        `username=${options.user}`,
        `passwd=${options.password}`,
        `domain=${domain}`,
        '',
      ].join('\n'),
    );
    const args = ['-c', join(dir, 'linphonerc'), '-d', '6', '-l', join(dir, 'linphonec.log')];
    if (options.autoAnswer) args.push('-a');
    // Its console is block-buffered on a pipe: line buffering lets the ids show up as they are assigned.
    const child = spawn('stdbuf', ['-oL', '-eL', 'linphonec', ...args], {
      cwd: dir,
      env: { ...process.env, HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const phone = new Linphonec(options, sipPort, dir, child);
    try {
      await waitFor(
        () =>
          /moving from state \[LinphoneRegistrationProgress\] to \[LinphoneRegistrationOk\]/.test(
            phone.debugLog,
          ),
        START_TIMEOUT_MS,
        'registration',
      );
    } catch (error) {
      await phone.stop();
      throw new Error(
        `linphonec ${options.user} did not start: ${(error as Error).message}\n${phone.output}`,
      );
    }
    return phone;
  }

  /** Everything linphonec printed (its console). */
  get log(): string {
    return this.output;
  }

  /** Its debug log (`-d 6`): the SIP messages it sent and received, among the rest. */
  get debugLog(): string {
    const file = join(this.dir, 'linphonec.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Sends one console command. */
  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Places a call; resolves with the id linphonec gave it. */
  async call(uri: string): Promise<number> {
    const from = this.output.length;
    this.send(`call ${uri}`);
    return this.waitForId(/assigned id (\d+)/, from, `the id of the call to ${uri}`);
  }

  /** Waits for the next incoming call (counting from console offset `from`); resolves with its id. */
  waitForIncomingCall(from = 0, timeoutMs = 10000): Promise<number> {
    return this.waitForId(
      /Receiving new incoming call from [^\n]*assigned id (\d+)/,
      from,
      'an incoming call',
      timeoutMs,
    );
  }

  answer(id: number): void {
    this.send(`answer ${id}`);
  }

  pause(id: number): void {
    this.send(`pause ${id}`);
  }

  resume(id: number): void {
    this.send(`resume ${id}`);
  }

  /** Blind transfer of call `id` to `uri`. */
  transfer(id: number, uri: string): void {
    this.send(`transfer ${id} ${uri}`);
  }

  /** Attended transfer: REFERs call `id`'s peer to call `toCallId`'s peer, with Replaces. */
  transferToCall(id: number, toCallId: number): void {
    this.send(`transfer ${id} --to-call ${toCallId}`);
  }

  terminate(id: number): void {
    this.send(`terminate ${id}`);
  }

  /** Waits until the console, from offset `from`, matches `pattern`. */
  waitForOutput(pattern: RegExp, from = 0, timeoutMs = 10000): Promise<RegExpMatchArray> {
    return waitFor(
      () => this.output.slice(from).match(pattern),
      timeoutMs,
      `linphonec ${this.options.user}: ${pattern.source}`,
    );
  }

  /** Unregisters and quits, or is ended; removes its folder. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.send('quit');
      const quit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      await Promise.race([quit, new Promise((resolve) => setTimeout(resolve, 2000))]);
    }
    await endProcess(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitForId(pattern: RegExp, from: number, what: string, timeoutMs = 10000): Promise<number> {
    const match = await waitFor(
      () => this.output.slice(from).match(pattern),
      timeoutMs,
      `linphonec ${this.options.user}: ${what}; its console below`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.output.slice(from)}`);
    });
    return Number(match[1]);
  }
}
