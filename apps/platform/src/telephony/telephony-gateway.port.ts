/** Domain view of one channel's life, as the call-control core needs it. */
export type ChannelEvent =
  | { kind: 'ringing'; sipCallId?: string }
  | { kind: 'answered'; sipCallId?: string }
  /** The channel is under the platform's control (for an originated channel: after answer). */
  | { kind: 'entered-app'; sipCallId?: string }
  /** The channel left the platform's control (for example, sent to the dialplan to be rejected). */
  | { kind: 'left-app' }
  | { kind: 'dtmf'; digit: string }
  | { kind: 'playback-finished'; playbackId: string; failed: boolean }
  | { kind: 'recording-finished'; name: string; durationSeconds: number; failed: boolean }
  /**
   * A response to an outbound leg's INVITE that did not end its setup: a provisional one (Dial RINGING /
   * PROGRESS), and on a leg placed with `traceSetupResponses` also 100 and the ones Asterisk acts on by
   * itself (401/407 answered with credentials, a 3xx followed). `statusLine` as the far end sent it, for
   * example `SIP/2.0 183 Session Progress`.
   */
  | { kind: 'setup-response'; sipCode: number; statusLine: string }
  | { kind: 'entered-bridge'; bridgeId: string }
  | { kind: 'left-bridge'; bridgeId: string }
  /** The phone on this channel put the call on hold (re-INVITE sendonly/inactive) or took it off. */
  | { kind: 'phone-held' }
  | { kind: 'phone-unheld' }
  /**
   * The phone on this channel sent a REFER (handled by the platform, never by Asterisk); answer it with
   * `reportTransferProgress(channelId, ...)`.
   */
  | { kind: 'transfer-requested'; transfer: PhoneTransferRequest }
  /** What answering machine detection (`detectMachine`) concluded about the far end of this channel. */
  | { kind: 'machine-detected'; detection: MachineDetection }
  /**
   * `vanished`: the channel disappeared while events could not be received (ARI reconnect); `endedAt`
   * is then the moment the connection was lost, the last time the channel was known to be up.
   */
  | {
      kind: 'hangup';
      cause: number;
      causeText: string;
      sipCode?: number;
      sipCallId?: string;
      vanished?: boolean;
      endedAt?: Date;
    };

/** A REFER from a phone: blind (to a target) or attended (replacing another of the platform's channels). */
export type PhoneTransferRequest =
  { mode: 'blind'; target: string } | { mode: 'attended'; replacesChannelId: string | null };

/**
 * Answering machine detection on what the far end of a channel says, run beside the call (the call
 * itself stays under the platform's control). Times in ms.
 */
export interface MachineDetectionRequest {
  /** The id of the listening channel the detection runs on, chosen up front like any channel's. */
  detectorChannelId: string;
  /** Silence before the first word longer than this: a machine. */
  initialSilenceMs: number;
  /** A first utterance longer than this: a machine. */
  greetingMs: number;
  /** Silence after a short greeting at least this long: a person. */
  afterGreetingSilenceMs: number;
  /** Undecided after this long: not sure. */
  totalMs: number;
  /**
   * For a machine, also wait for the end of its greeting: a beep, or this much silence, within the
   * timeout. The beep is listened for on a channel of its own.
   */
  messageEnd: { silenceMs: number; timeoutSeconds: number; beepListenerChannelId: string } | null;
}

export interface MachineDetection {
  verdict: 'human' | 'machine' | 'not-sure' | 'hangup';
  /** Why, as the detector put it (`LONGGREETING-2400-1500`, `HUMAN-800-800`...). */
  cause: string;
  /** How a machine's greeting ended, when that was waited for. */
  greetingEnd: 'beep' | 'silence' | 'other' | null;
}

/** What the REFERring phone is told (a NOTIFY sipfrag): the target answered, declined, could not be reached. */
export type TransferProgress = 'answered' | 'declined' | 'unavailable' | 'failed';

/** Which way audio is cut: `in` = from the phone into the platform, `out` = towards the phone. */
export type AudioDirection = 'in' | 'out' | 'both';

export interface HoldOptions {
  /**
   * True: the phone is told in SIP (re-INVITE a=sendonly, back to sendrecv on unhold) and plays its own
   * hold treatment; false: Asterisk plays music on hold to it and SIP is untouched.
   */
  sipVisible: boolean;
}

export interface SnoopRequest {
  /** The new channel's id (it enters the app like any other, as a snoop of `channelId`). */
  snoopChannelId: string;
  /** What the snoop hears of the channel: its inbound audio, outbound audio, both, or none. */
  spy: AudioDirection | 'none';
  /** Which way the snoop's own audio is injected into the channel ("whisper"). */
  whisper: AudioDirection | 'none';
}

/**
 * A copy of a channel's audio sent out of Asterisk as RTP (8 kHz mu-law, 20 ms packets) to a UDP
 * socket of the platform's, which may send audio back the same way (externalMedia, chan_rtp).
 */
export interface MediaExportRequest {
  /** Id of the external media channel, chosen up front like any channel's. */
  exportChannelId: string;
  /** `host:port` of the platform's RTP socket: Asterisk sends there and accepts audio only from there. */
  rtpAddress: string;
  /**
   * `listen`: beside the call (a snoop hears its inbound or outbound audio; nothing goes back).
   * `connect`: the call's own audio both ways: it is bridged with the export, audio sent back reaches it.
   */
  mode: { kind: 'listen'; track: 'in' | 'out' } | { kind: 'connect' };
}

export interface MediaExport {
  /** `host:port` Asterisk sends the RTP from; audio for the channel goes back to it. */
  asteriskRtpAddress: string;
  /** Takes the export down; a connected channel leaves the export's bridge and stays up. */
  stop(): Promise<void>;
}

export type ChannelListener = (event: ChannelEvent) => void;

export interface ChannelWatch {
  stop(): void;
}

/** Whom to call. */
export type DialTarget =
  /** A `sip:` URI (`;transport=tcp|udp` selects the transport), optionally with digest credentials. */
  | { kind: 'sip'; uri: string; auth?: { username: string; password: string } }
  /** Digits or an E.164 number, sent through the configured trunk. */
  | { kind: 'number'; number: string }
  /** A SIP user provisioned on the platform's Asterisk (a Client), by its endpoint dial string. */
  | { kind: 'sip-user'; dialString: string };

export interface OriginateRequest {
  channelId: string;
  target: DialTarget;
  callerId: string;
  /** Asterisk's own give-up time; the core runs its own no-answer timer and uses this only as a backstop. */
  timeoutSeconds: number;
  /** Extra SIP headers on the INVITE (X- headers). */
  headers?: Record<string, string>;
  /**
   * The platform's hop count for this INVITE (sent as its own header, whatever `headers` says), so
   * a call that comes back to the platform can be recognised as part of a loop.
   */
  hops: number;
  /** Stored on the channel in Asterisk, so a later platform process can tell whose it is. */
  labels?: ChannelLabels;
  /**
   * Whether a 3xx answer to the INVITE is followed (Asterisk sends a new INVITE to its Contact on the
   * same channel); by default a 3xx ends the leg. Honoured for `sip` targets without credentials and for
   * `sip-user` targets dialled at a contact.
   */
  followRedirects?: boolean;
  /**
   * Report every response to the INVITE as a `setup-response` event, not only the provisional ones
   * Asterisk raises a Dial event for: the channel is watched while it rings, which costs requests to
   * Asterisk, so only callers that show the responses ask for it.
   */
  traceSetupResponses?: boolean;
}

/** What a channel carries in Asterisk about the call it belongs to (see `labelChannel`). */
export interface ChannelLabels {
  callSid?: string;
  parentCallSid?: string;
  bridgeId?: string;
}

/** The platform's channels and bridges Asterisk still holds, as listed after a platform restart. */
export interface TelephonyInventory {
  channelIds: ReadonlySet<string>;
  bridges: ReadonlyArray<{ bridgeId: string; channelIds: string[] }>;
}

/** A call that arrived at Asterisk and entered the platform's app. */
export interface IncomingChannel {
  channelId: string;
  /** The dialed number or SIP user (the dialplan extension). */
  to: string;
  from: string;
  callerName: string | null;
  sipCallId: string | null;
  /** The hop count the INVITE carried (0 when it came from outside the platform). */
  hops: number;
  /** The engine's endpoint the call came from (a provisioned SIP user's id, `inbound` for a peer). */
  callingEndpoint?: string;
  /** Where the INVITE came from (`host:port`), when SIP. */
  sourceAddress?: string;
  /** The INVITE's From and To URIs, when SIP. */
  fromUri?: string;
  toUri?: string;
}

/** A leg created but not dialled yet, so it can be bridged first and its early media heard (`dial`). */
export interface CreateChannelRequest extends OriginateRequest {
  /** The channel this leg is placed for (Asterisk links them: codecs, caller id, CDR). */
  originatorChannelId?: string;
}

export interface RecordRequest {
  name: string;
  maxDurationSeconds: number;
  maxSilenceSeconds: number;
  beep: boolean;
  /** DTMF that stops the recording: 'none', 'any', '#' or '*'. */
  terminateOn: 'none' | 'any' | '#' | '*';
}

/** DTMF timing in milliseconds: each tone's length, the gap between tones, silence before and after. */
export interface DtmfTiming {
  durationMs: number;
  betweenMs: number;
  beforeMs?: number;
  afterMs?: number;
}

/** The digits `sendDtmf` takes: RFC 4733 events 0-15. */
export const DTMF_DIGITS = /^[0-9*#A-D]+$/;

/** How long Asterisk takes to send `digits` with `timing`, from the moment it accepted them. */
export function dtmfPlayoutMs(digits: string, timing: DtmfTiming): number {
  return (
    (timing.beforeMs ?? 0) +
    digits.length * timing.durationMs +
    Math.max(0, digits.length - 1) * timing.betweenMs +
    (timing.afterMs ?? 0)
  );
}

export type HangupReason =
  'normal' | 'busy' | 'no_answer' | 'rejected' | 'congestion' | 'failure' | 'unallocated';

export class TelephonyError extends Error {}

/**
 * The only way the platform talks to Asterisk. Channel, playback and recording ids are chosen by the
 * caller before any request, so events that arrive before the REST response still reach their owner.
 */
export abstract class TelephonyGateway {
  /**
   * False while the connection to Asterisk is down: commands fail and events are not received. With a
   * channel id: whether the Asterisk server that holds that channel answers (several servers).
   */
  abstract isConnected(channelId?: string): boolean;
  /** Called each time the connection to Asterisk comes up: at boot and after every reconnect. */
  abstract onConnected(listener: () => void): void;
  abstract newChannelId(): string;
  /** Delivers every event of the channel, in order, until its hangup event or `stop()`. */
  abstract watchChannel(channelId: string, listener: ChannelListener): ChannelWatch;
  /** Delivers the playback and recording events of a bridge until `stop()`. */
  abstract watchBridge(bridgeId: string, listener: ChannelListener): ChannelWatch;
  /**
   * Called for each call that arrives from outside; the handler must call `watchChannel` before it
   * returns so that no event of the new channel is missed.
   */
  abstract onIncomingChannel(handler: (channel: IncomingChannel) => void): void;
  abstract originate(request: OriginateRequest): Promise<void>;
  abstract answer(channelId: string): Promise<void>;
  abstract hangup(channelId: string, reason?: HangupReason): Promise<void>;
  /** Ends an unanswered call with an exact SIP final response (486, 603, 404...). */
  abstract reject(channelId: string, sipCode: number): Promise<void>;
  /** `media`: `sound:<name>` or `sound:<the platform's own /media/ URL>` (never an account's URL). */
  abstract play(channelId: string, playbackId: string, media: string): Promise<void>;
  /**
   * Sends DTMF to the far end as RFC 4733 events (`digits` matches DTMF_DIGITS). Resolves once Asterisk
   * has accepted them; it sends them in the background over `dtmfPlayoutMs(digits, timing)`.
   */
  abstract sendDtmf(channelId: string, digits: string, timing: DtmfTiming): Promise<void>;
  abstract stopPlayback(playbackId: string): Promise<void>;
  abstract record(channelId: string, request: RecordRequest): Promise<void>;
  abstract stopRecording(name: string): Promise<void>;
  /** Pauses a live recording (channel or bridge): the paused span is left out of the file. */
  abstract pauseRecording(name: string): Promise<void>;
  abstract resumeRecording(name: string): Promise<void>;
  /** Takes a finished recording off Asterisk: its WAV bytes, then deletes it there. */
  abstract takeRecording(name: string): Promise<Buffer>;
  /** Sends 180 Ringing to an unanswered caller. */
  abstract indicateRinging(channelId: string): Promise<void>;
  /** The X- headers of the 200 OK that answered an outbound leg. */
  abstract answerHeaders(channelId: string): Promise<Record<string, string>>;
  /** Mutes the phone's audio into the platform (`in`), the audio sent to it (`out`) or both. */
  abstract mute(channelId: string, direction: AudioDirection): Promise<void>;
  abstract unmute(channelId: string, direction: AudioDirection): Promise<void>;
  /**
   * Puts the phone on this channel on hold (see HoldOptions): it hears hold treatment instead of its
   * bridge, and the bridge no longer hears it. A channel already held stays held.
   */
  abstract hold(channelId: string, options: HoldOptions): Promise<void>;
  abstract unhold(channelId: string): Promise<void>;
  /**
   * Sends the phone elsewhere: a REFER when the call is answered, a 302 when it is still ringing.
   * Asterisk reports no outcome; the channel usually hangs up once the phone has followed it.
   */
  abstract redirect(channelId: string, target: DialTarget): Promise<void>;
  /** Tells a phone that REFERred (`transfer-requested`) how its transfer went. */
  abstract reportTransferProgress(channelId: string, progress: TransferProgress): Promise<void>;
  /** A new channel that hears (and may whisper to) `channelId`; it enters the app with the id asked. */
  abstract snoop(channelId: string, request: SnoopRequest): Promise<void>;
  /**
   * Starts answering machine detection on the channel's inbound audio; the verdict arrives as a
   * `machine-detected` event of the channel. Hanging up the detector channel stops it.
   */
  abstract detectMachine(channelId: string, request: MachineDetectionRequest): Promise<void>;
  /** Sends a copy of the channel's audio out as RTP (see MediaExportRequest); resolves once it flows. */
  abstract exportMedia(channelId: string, request: MediaExportRequest): Promise<MediaExport>;
  /** Creates an outbound leg without dialling it (early media: create, bridge, then `dial`). */
  abstract createChannel(request: CreateChannelRequest): Promise<void>;
  /** Dials a leg made by `createChannel`; its progress arrives as channel events. */
  abstract dial(channelId: string, timeoutSeconds: number): Promise<void>;
  abstract startMusicOnHold(channelId: string): Promise<void>;
  abstract stopMusicOnHold(channelId: string): Promise<void>;
  abstract createBridge(bridgeId: string): Promise<void>;
  abstract addToBridge(bridgeId: string, channelId: string): Promise<void>;
  abstract removeFromBridge(bridgeId: string, channelId: string): Promise<void>;
  abstract destroyBridge(bridgeId: string): Promise<void>;
  /** Plays media to everyone in a bridge (a conference beep). */
  abstract playToBridge(bridgeId: string, playbackId: string, media: string): Promise<void>;
  abstract recordBridge(bridgeId: string, request: RecordRequest): Promise<void>;
  /**
   * Stores `labels` on the channel and has Asterisk note the time the channel is destroyed, so both
   * outlive this process (see `hangupTime`).
   */
  abstract labelChannel(channelId: string, labels: ChannelLabels): Promise<void>;
  /** Every channel and bridge Asterisk holds now. */
  abstract inventory(): Promise<TelephonyInventory>;
  /** Resumes the events of a channel a previous platform process left in the app. */
  abstract resumeChannel(channelId: string): Promise<void>;
  /** When Asterisk destroyed a labelled channel no process was watching, if it noted it. */
  abstract hangupTime(channelId: string): Promise<Date | null>;
  /** Stops every request to Asterisk for good: what is live there stays up for the next process. */
  abstract release(): void;
  /** The name of the Asterisk server that holds the channel (stored on its call record), if known. */
  serverOf(_channelId: string): string | null {
    return null;
  }
  /** The server every call goes to when only one is configured (known before placing), else null. */
  soleServer(): string | null {
    return null;
  }
  /**
   * Whether this process holds the events of the Asterisk server (several nodes share PostgreSQL; a
   * null server: a call never placed). With one node, every server is its own.
   */
  ownsServer(_server: string | null): boolean {
    return true;
  }
  /** Called when this process takes over an Asterisk server another node held (that node died). */
  onServerTakenOver(_listener: (server: string) => void): void {}
  newMediaId(): string {
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
  }
}
