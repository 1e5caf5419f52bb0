import type {
  CollectedDigits,
  DigitCollection,
  RecordingRequest,
} from '../../call-control/legs/channel-media';

export type { CollectedDigits, DigitCollection, RecordingRequest };
import type { RcmlNode } from '../rcml-node';

export type HttpMethod = 'GET' | 'POST';

export interface RecordingResult {
  recordingSid: string;
  recordingUrl: string;
  durationSeconds: number;
  digits: string;
  /** When the recording began (RecordingStartTime). */
  startTime: Date;
}

/** What a verb may do to the call it runs on. Implemented by the call-control core. */
export interface VerbContext {
  /** Aborted when the call ends or its document is replaced: verbs stop waiting at once. */
  readonly signal: AbortSignal;
  answer(): Promise<void>;
  /** Waits, or stops early when the call ends or `signal` aborts. */
  pause(seconds: number, signal?: AbortSignal): Promise<void>;
  hangup(): Promise<void>;
  /** Refuses an unanswered call with 486 (busy) or 603 (rejected). */
  reject(reason: 'rejected' | 'busy'): Promise<void>;
  /** Plays one media item (`sound:...`) to the end, or until `signal` aborts. */
  play(media: string, signal: AbortSignal): Promise<void>;
  /**
   * Sends DTMF (0-9, *, #, A-D) to the far end and resolves once it has gone out, or early when the
   * call ends or the document is replaced. A failure is recorded and the document goes on.
   */
  sendDtmf(digits: string): Promise<void>;
  /**
   * Turns an app server's audio URL into a playable media item, fetched by the platform; null when it
   * cannot be played (the failure is already recorded, and the document goes on).
   */
  remoteMedia(url: string): Promise<string | null>;
  /** Turns text into a playable media item. */
  speech(text: string, voice: string, language: string): Promise<string>;
  collectDigits(request: DigitCollection): Promise<CollectedDigits>;
  record(request: RecordingRequest): Promise<RecordingResult | null>;
  /** Requests a URL on the app server without running its answer (recording status callbacks). */
  notifyApp(url: string, method: HttpMethod, params: Record<string, string>): Promise<void>;
  /** Connects the call to the first of the targets to answer; resolves when that conversation ends. */
  dial(request: DialRequest): Promise<DialResult>;
  joinConference(request: ConferenceRequest): Promise<DialResult>;
  /** `<Start><Stream>`: streams the call's audio beside it; a stream that cannot start is recorded. */
  startStream(request: StreamRequest): Promise<void>;
  /** `<Stop><Stream>`: ends the call's stream of that name (all of them for null). */
  stopStream(name: string | null): Promise<void>;
  /** `<Connect><Stream>`: the call and the stream talk both ways; resolves when the stream is over. */
  connectStream(request: StreamRequest): Promise<void>;
  /** `<Enqueue>`: waits in the queue (running its waitUrl documents) until the call leaves it. */
  enqueue(request: EnqueueRequest): Promise<EnqueueResult>;
  /** `<Leave>` in a wait document: the call leaves its queue (false when it is in none). */
  leaveQueue(): boolean;
  /** `<Dial><Queue>`: bridges the call with the queue's first member; resolves when that ends. */
  dialQueue(request: DialQueueRequest): Promise<DialResult>;
}

/** A `<Stream>` noun. */
export interface StreamRequest {
  /** Absolute `wss://` or `ws://` URL. */
  url: string;
  name: string | null;
  track: 'inbound_track' | 'outbound_track' | 'both_tracks';
  /** The `<Parameter>`s, given to the app in the `start` message. */
  parameters: Record<string, string>;
}

export interface EnqueueRequest {
  name: string;
  waitUrl: { url: string; method: HttpMethod } | null;
}

/** Twilio's QueueResult values this platform produces. */
export type QueueResult = 'bridged' | 'leave' | 'hangup' | 'redirected' | 'queue-full' | 'error';

export interface EnqueueResult {
  result: QueueResult;
  queueSid: string | null;
  queueTimeSeconds: number;
  /** The caller hung up (in the queue, or bridged): the action is only told, its answer cannot run. */
  callerGone?: boolean;
  /** Where a member dequeued through the API goes (Members update Url). */
  redirect?: { url: string; method: HttpMethod };
}

export interface DialQueueRequest {
  name: string;
  /** Runs on the dequeued caller before the two are bridged. */
  url: { url: string; method: HttpMethod } | null;
  timeoutSeconds: number;
}

/** Call progress events an app can ask for (Twilio's StatusCallbackEvent), in the order they happen. */
export { PROGRESS_EVENTS, splitEventList, type ProgressEvent } from '../../common/progress-events';
import type { ProgressEvent } from '../../common/progress-events';

export interface ProgressCallback {
  url: string;
  method: HttpMethod;
  events: ProgressEvent[];
}

export type DialNoun =
  | { noun: 'Sip'; uri: string; headers: Record<string, string>; username?: string; password?: string }
  | { noun: 'Number'; number: string }
  | { noun: 'Client'; login: string };

export interface DialTargetSpec {
  target: DialNoun;
  /** Screening document run on the callee after answer, before bridging. */
  screening: { url: string; method: HttpMethod } | null;
  progress: ProgressCallback | null;
}

export interface DialRequest {
  targets: DialTargetSpec[];
  timeoutSeconds: number;
  timeLimitSeconds: number;
  callerId: string | null;
  recordFromAnswer: boolean;
  hangupOnStar: boolean;
  answerOnBridge: boolean;
}

export interface ConferenceRequest {
  name: string;
  muted: boolean;
  beep: 'true' | 'false' | 'onEnter' | 'onExit';
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  waitUrl: string | null;
  maxParticipants: number;
  timeLimitSeconds: number;
  hangupOnStar: boolean;
  /** Twilio's conference events (`statusCallback`, `statusCallbackMethod`, `statusCallbackEvent`). */
  statusCallback: ConferenceCallback | null;
}

/** The conference events an app can ask for on <Conference> (`mute` and `hold` cover both ways). */
export const CONFERENCE_EVENTS = ['start', 'end', 'join', 'leave', 'mute', 'hold'] as const;
export type ConferenceEvent = (typeof CONFERENCE_EVENTS)[number];

export interface ConferenceCallback {
  url: string;
  method: HttpMethod;
  events: ConferenceEvent[];
}

export interface DialResult {
  /** completed, busy, no-answer, failed or canceled, as DialCallStatus. */
  status: string;
  callSid: string | null;
  durationSeconds: number;
  sip: { callId: string | null; responseCode: number | null; headers: Record<string, string> } | null;
  /** The caller hung up during the Dial: nothing more runs. */
  callerGone: boolean;
  /** More action parameters (RecordingUrl... for a recorded Dial). */
  extraParams?: Record<string, string>;
  /** The stored recording of a recorded Dial, for its recordingStatusCallback. */
  recording?: { sid: string; url: string; durationSeconds: number; startTime: Date };
}

/** Where a verb sends the call next: another RCML document, requested with extra parameters. */
export interface NextDocument {
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
}

export type VerbOutcome = 'continue' | 'end' | { next: NextDocument };

export interface ParseContext {
  /** URL of the document being parsed: relative URLs in it resolve against this. */
  /** Null for an inline document: relative URLs are refused and actions default to none. */
  documentUrl: string | null;
  documentMethod: HttpMethod;
  /** Records a schema warning; the verb still runs. */
  warn(message: string): void;
}

export interface VerbDefinition<TVerb> {
  readonly name: string;
  /** Whether the call must be answered before the verb runs (default true). */
  needsAnswer?(verb: TVerb): boolean;
  /** Throws RcmlSchemaError when the element's attributes or content break the schema. */
  parse(node: RcmlNode, context: ParseContext): TVerb;
  execute(verb: TVerb, context: VerbContext): Promise<VerbOutcome>;
}
