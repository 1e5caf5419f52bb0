/**
 * The bench's far end: one UDP SIP responder in the bench process, so every SIP timestamp is taken on
 * the bench's clock. What it does with an INVITE is named by the Request-URI's user part,
 * `<behaviour>-<id>`: `busy` answers 486 at once (the INVITE-arrival measure); anything else (`ans`,
 * `hold`, `leg`) answers 200 with an SDP offer-answer towards a discarding RTP socket, keeps the dialog
 * and notes when the BYE arrives. `hangup(id)` ends a held call from this side.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { now } from './clock';
import {
  answerSdp,
  buildBye,
  buildResponse,
  dialogOf,
  header,
  parseRequest,
  parseResponse,
  uriUser,
  type Dialog,
  type SipRequest,
} from './sip-message';

/** What happened to one call at the UAS, on the bench clock (ms). */
export interface UasCall {
  id: string;
  behaviour: string;
  invite: number;
  /** When the final response (486 or 200) went out. */
  answered?: number;
  acked?: number;
  /** When the far side's BYE arrived (undefined when we hung up). */
  bye?: number;
  /** When we sent our own BYE, and when its 200 came back. */
  hungUp?: number;
  byeConfirmed?: number;
  /** Where the INVITE came from (`address:port`): which Asterisk server placed the call. */
  source?: string;
}

interface Pending {
  text: string;
  port: number;
  address: string;
  tries: number;
  timer: NodeJS.Timeout;
}

const RETRANSMIT_MS = 500;
const MAX_TRIES = 5;

/** `busy-42` → behaviour `busy`, id `42`. */
export function behaviourOf(user: string): { behaviour: string; id: string } {
  const dash = user.indexOf('-');
  return dash < 0
    ? { behaviour: user, id: user }
    : { behaviour: user.slice(0, dash), id: user.slice(dash + 1) };
}

export class BenchUas {
  readonly calls = new Map<string, UasCall>();
  private socket!: Socket;
  private rtpSink!: Socket;
  /** Responses by Call-ID, resent when the INVITE is retransmitted. */
  private readonly finals = new Map<string, string>();
  private readonly idsByCallId = new Map<string, string>();
  private readonly dialogs = new Map<string, { dialog: Dialog; port: number; address: string }>();
  /** Our 200s awaiting ACK and our BYEs awaiting 200, by Call-ID. */
  private readonly pending = new Map<string, Pending>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private sessionId = 1;
  errors = 0;
  /** Called after every change to a call (the far-end worker forwards them over IPC). */
  onChange: ((call: UasCall) => void) | null = null;

  async start(): Promise<this> {
    this.socket = createSocket('udp4');
    this.rtpSink = createSocket('udp4');
    this.rtpSink.on('message', () => undefined);
    await new Promise<void>((ok) => this.socket.bind(0, '127.0.0.1', ok));
    await new Promise<void>((ok) => this.rtpSink.bind(0, '127.0.0.1', ok));
    // Bursts of hundreds of INVITEs at once: keep them in the kernel rather than drop them.
    try {
      this.socket.setRecvBufferSize(8 * 1024 * 1024);
    } catch {
      // Capped by net.core.rmem_max; the default then.
    }
    this.socket.on('message', (data, rinfo) =>
      this.receive(data.toString('utf8'), rinfo.port, rinfo.address),
    );
    return this;
  }

  get port(): number {
    return (this.socket.address() as AddressInfo).port;
  }

  uri(behaviour: string, id: string): string {
    return `sip:${behaviour}-${id}@127.0.0.1:${this.port}`;
  }

  /** Dialogs still up (answered, neither side has hung up). */
  get liveDialogs(): number {
    return this.dialogs.size;
  }

  /** Resolves when call `id` sees `event` (checked on every change), or after `timeoutMs`. */
  waitFor(id: string, done: (call: UasCall) => boolean, timeoutMs: number): Promise<UasCall | undefined> {
    const call = this.calls.get(id);
    if (call && done(call)) return Promise.resolve(call);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        remove();
        resolve(this.calls.get(id));
      }, timeoutMs);
      const check = () => {
        const current = this.calls.get(id);
        if (current && done(current)) {
          clearTimeout(timer);
          remove();
          resolve(current);
        }
      };
      const remove = () => {
        const list = this.waiters.get(id) ?? [];
        this.waiters.set(
          id,
          list.filter((w) => w !== check),
        );
        if (this.waiters.get(id)!.length === 0) this.waiters.delete(id);
      };
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), check]);
    });
  }

  /** Our side ends the held call `id` with a BYE. */
  hangup(id: string): boolean {
    for (const [callId, entry] of this.dialogs) {
      if (this.idsByCallId.get(callId) !== id) continue;
      this.dialogs.delete(callId);
      entry.dialog.cseq += 1;
      const text = buildBye(entry.dialog, `127.0.0.1:${this.port}`, randomBytes(6).toString('hex'));
      this.update(id, { hungUp: now() });
      this.sendReliably(callId + ':bye', text, entry.port, entry.address);
      return true;
    }
    return false;
  }

  hangupAll(): number {
    let count = 0;
    for (const callId of [...this.dialogs.keys()]) if (this.hangup(this.idsByCallId.get(callId)!)) count++;
    return count;
  }

  /** Forgets finished calls, so a long run does not grow the maps. */
  forget(ids: Iterable<string>): void {
    for (const id of ids) this.calls.delete(id);
    for (const [callId, id] of this.idsByCallId)
      if (!this.calls.has(id) && !this.dialogs.has(callId)) {
        this.idsByCallId.delete(callId);
        this.finals.delete(callId);
      }
  }

  async stop(): Promise<void> {
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    this.pending.clear();
    await new Promise<void>((ok) => this.socket.close(() => ok()));
    await new Promise<void>((ok) => this.rtpSink.close(() => ok()));
  }

  private update(id: string, change: Partial<UasCall>): void {
    const call = this.calls.get(id);
    if (!call) return;
    Object.assign(call, change);
    for (const waiter of this.waiters.get(id) ?? []) waiter();
    this.onChange?.(call);
  }

  private send(text: string, port: number, address: string): void {
    this.socket.send(text, port, address);
  }

  private sendReliably(key: string, text: string, port: number, address: string): void {
    const retry = () => {
      const pending = this.pending.get(key);
      if (!pending) return;
      if (++pending.tries >= MAX_TRIES) {
        this.pending.delete(key);
        this.errors++;
        return;
      }
      this.send(text, port, address);
      pending.timer = setTimeout(retry, RETRANSMIT_MS * 2 ** (pending.tries - 1));
    };
    this.send(text, port, address);
    this.pending.set(key, { text, port, address, tries: 1, timer: setTimeout(retry, RETRANSMIT_MS) });
  }

  private settle(key: string): void {
    const pending = this.pending.get(key);
    if (pending) clearTimeout(pending.timer);
    this.pending.delete(key);
  }

  private receive(text: string, port: number, address: string): void {
    const at = now();
    const request = parseRequest(text);
    if (!request) {
      const response = parseResponse(text);
      // The 200 to our BYE.
      const callId = response && header(response, 'call-id');
      if (response && callId && /BYE$/.test(header(response, 'cseq') ?? '') && response.status >= 200) {
        this.settle(callId + ':bye');
        const id = this.idsByCallId.get(callId);
        if (id) this.update(id, { byeConfirmed: at });
      }
      return;
    }
    const callId = header(request, 'call-id') ?? '';
    switch (request.method) {
      case 'INVITE':
        return this.invite(request, callId, at, port, address);
      case 'ACK': {
        this.settle(callId + ':200');
        const id = this.idsByCallId.get(callId);
        if (id && !this.calls.get(id)?.acked) this.update(id, { acked: at });
        return;
      }
      case 'BYE': {
        this.send(buildResponse(request, 200), port, address);
        const id = this.idsByCallId.get(callId);
        this.dialogs.delete(callId);
        this.settle(callId + ':200');
        if (id && this.calls.get(id)?.bye === undefined) this.update(id, { bye: at });
        return;
      }
      case 'CANCEL':
        this.send(buildResponse(request, 200), port, address);
        return;
      case 'OPTIONS':
      case 'UPDATE':
      case 'INFO':
      case 'NOTIFY':
        this.send(buildResponse(request, 200), port, address);
        return;
      default:
        this.send(buildResponse(request, 501), port, address);
    }
  }

  private invite(request: SipRequest, callId: string, at: number, port: number, address: string): void {
    const previous = this.finals.get(callId);
    const inDialog = this.dialogs.get(callId);
    if (inDialog) {
      // A re-INVITE (session refresh, hold): accept it with the same media.
      this.send(
        buildResponse(request, 200, {
          contact: `sip:bench@127.0.0.1:${this.port}`,
          sdp: answerSdp('127.0.0.1', (this.rtpSink.address() as AddressInfo).port, this.sessionId++),
        }),
        port,
        address,
      );
      return;
    }
    if (previous) {
      // A retransmission of an INVITE we answered: the same final response again.
      this.send(previous, port, address);
      return;
    }
    const { behaviour, id } = behaviourOf(uriUser(request.uri));
    this.calls.set(id, { id, behaviour, invite: at, source: `${address}:${port}` });
    this.idsByCallId.set(callId, id);
    const toTag = randomBytes(6).toString('hex');
    if (behaviour === 'busy') {
      const text = buildResponse(request, 486, { toTag });
      this.finals.set(callId, text);
      this.send(text, port, address);
      this.update(id, { answered: now() });
      return;
    }
    const text = buildResponse(request, 200, {
      toTag,
      contact: `sip:${behaviour}-${id}@127.0.0.1:${this.port}`,
      sdp: answerSdp('127.0.0.1', (this.rtpSink.address() as AddressInfo).port, this.sessionId++),
    });
    this.finals.set(callId, text);
    this.dialogs.set(callId, { dialog: dialogOf(request, toTag), port, address });
    this.sendReliably(callId + ':200', text, port, address);
    this.update(id, { answered: now() });
  }
}
