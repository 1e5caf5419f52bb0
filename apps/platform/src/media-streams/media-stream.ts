import { Logger } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { MediaStreamHandle, MediaStreamRequest } from '../call-control/ports/media-sources.port';
import type { MediaExport, TelephonyGateway } from '../telephony/telephony-gateway.port';
import { OutboundAudio } from './outbound-audio';
import { buildRtp, parseRtp, PCMU } from './rtp-packet';
import {
  connectedMessage,
  dtmfMessage,
  markMessage,
  mediaMessage,
  parseAppMessage,
  startMessage,
  stopMessage,
  type StreamIdentity,
  type StreamTrack,
} from './twilio-stream-protocol';

/** One track's audio out of Asterisk: the platform's UDP socket and the export that feeds it. */
interface TrackExport {
  track: StreamTrack;
  socket: Socket;
  chunks: number;
  export: MediaExport | null;
}

/**
 * One Media Stream: the call's audio (RTP from Asterisk's media export, one socket per track) turned
 * into Twilio's `media` messages on the app's WebSocket the moment each packet arrives; with a
 * bidirectional stream, the app's `media` paced back to the caller and its `mark`s and `clear`s.
 */
export class MediaStream implements MediaStreamHandle {
  readonly streamSid = 'MZ' + randomBytes(16).toString('hex');
  readonly ended: Promise<void>;
  private readonly logger = new Logger(MediaStream.name);
  private readonly identity: StreamIdentity;
  private readonly tracks: TrackExport[] = [];
  private readonly startedAt = performance.now();
  private sequence = 0;
  private finished = false;
  private finish!: () => void;
  private outbound: OutboundAudio | null = null;
  private playBack: ((frame: Buffer) => void) | null = null;
  private stopDigits: (() => void) | null = null;

  constructor(
    private readonly request: MediaStreamRequest,
    private readonly socket: WebSocket,
    private readonly gateway: TelephonyGateway,
    private readonly rtpAddress: string,
  ) {
    this.identity = { accountSid: request.accountSid, callSid: request.callSid, streamSid: this.streamSid };
    this.ended = new Promise((resolve) => (this.finish = resolve));
  }

  /** Sends `connected` and `start`, then exports the call's audio; the stream is over if that fails. */
  async begin(): Promise<void> {
    const request = this.request;
    const names: StreamTrack[] = request.bidirectional
      ? ['inbound']
      : request.track === 'both_tracks'
        ? ['inbound', 'outbound']
        : [request.track === 'outbound_track' ? 'outbound' : 'inbound'];
    if (request.bidirectional)
      this.outbound = new OutboundAudio(
        (frame) => this.playBack?.(frame),
        (name) => this.send(markMessage(this.streamSid, ++this.sequence, name)),
      );
    this.send(connectedMessage());
    this.send(startMessage(this.identity, ++this.sequence, names, request.parameters));
    this.socket.on('message', (data, isBinary) => {
      if (!isBinary) this.fromApp(data.toString());
    });
    this.socket.on('close', () => void this.stop());
    request.signal.addEventListener('abort', () => void this.stop());
    try {
      for (const track of names) if (!this.finished) await this.exportTrack(track);
    } catch (error) {
      await this.stop();
      throw error;
    }
    if (request.bidirectional) {
      this.stopDigits = request.onDigit((digit) =>
        this.send(dtmfMessage(this.streamSid, ++this.sequence, digit)),
      );
    }
    if (request.signal.aborted) await this.stop();
  }

  async stop(): Promise<void> {
    if (this.finished) return this.ended;
    this.finished = true;
    this.outbound?.stop();
    this.stopDigits?.();
    if (this.socket.readyState === WebSocket.OPEN) {
      this.send(stopMessage(this.identity, ++this.sequence));
      this.socket.close(1000);
    }
    for (const track of this.tracks) {
      await track.export?.stop().catch((error) => this.logger.warn(`${this.streamSid}: ${error}`));
      track.socket.close();
    }
    this.finish();
  }

  private async exportTrack(name: StreamTrack): Promise<void> {
    const socket = createSocket('udp4');
    const track: TrackExport = { track: name, socket, chunks: 0, export: null };
    this.tracks.push(track);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, this.rtpAddress, () => resolve());
    });
    socket.on('error', (error) => this.logger.warn(`${this.streamSid} RTP: ${error.message}`));
    socket.on('message', (packet) => this.fromAsterisk(track, packet));
    const { port } = socket.address() as AddressInfo;
    track.export = await this.gateway.exportMedia(this.request.channelId, {
      exportChannelId: this.gateway.newChannelId(),
      rtpAddress: `${this.rtpAddress}:${port}`,
      mode: this.request.bidirectional
        ? { kind: 'connect' }
        : { kind: 'listen', track: name === 'inbound' ? 'in' : 'out' },
    });
    // The app hung up, or the call ended, while the export was being set up: take it down now.
    if (this.finished) return void (await track.export.stop().catch(() => undefined));
    if (this.outbound) this.playBackTo(socket, track.export.asteriskRtpAddress);
  }

  private fromAsterisk(track: TrackExport, packet: Buffer): void {
    if (this.finished) return;
    const rtp = parseRtp(packet);
    if (!rtp || rtp.payloadType !== PCMU) return;
    this.send(
      mediaMessage(this.streamSid, ++this.sequence, {
        track: track.track,
        chunk: ++track.chunks,
        timestampMs: Math.round(performance.now() - this.startedAt),
        payload: rtp.payload,
      }),
    );
  }

  private fromApp(text: string): void {
    const message = parseAppMessage(text);
    if (!message || !this.outbound || this.finished) return;
    if (message.event === 'media') this.outbound.push(message.payload);
    else if (message.event === 'mark') this.outbound.mark(message.name);
    else this.outbound.clear();
  }

  /** RTP towards Asterisk, from the socket it sends to (it accepts audio only from there). */
  private playBackTo(socket: Socket, asteriskAddress: string): void {
    const separator = asteriskAddress.lastIndexOf(':');
    const host = asteriskAddress.slice(0, separator);
    const port = Number(asteriskAddress.slice(separator + 1));
    const ssrc = randomInt(0, 2 ** 32 - 1);
    let sequence = randomInt(0, 65535);
    let timestamp = randomInt(0, 2 ** 32 - 1);
    let marker = true;
    this.playBack = (frame) => {
      socket.send(
        buildRtp({ payloadType: PCMU, marker, sequence, timestamp, ssrc, payload: frame }),
        port,
        host,
      );
      marker = false;
      sequence = (sequence + 1) & 0xffff;
      timestamp = (timestamp + frame.length) >>> 0;
    };
    this.outbound?.begin();
  }

  private send(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
