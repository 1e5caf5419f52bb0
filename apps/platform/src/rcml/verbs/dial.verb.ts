import { hasControlCharacters } from '../../common/control-characters';
import { RcmlNode, RcmlSchemaError } from '../rcml-node';
import {
  booleanAttribute,
  enumAttribute,
  integerAttribute,
  methodAttribute,
  optionalUrlAttribute,
  warnUnknownAttributes,
} from './attribute-parsers';
import type {
  ConferenceCallback,
  ConferenceEvent,
  ConferenceRequest,
  DialRequest,
  DialResult,
  DialQueueRequest,
  DialTargetSpec,
  HttpMethod,
  ParseContext,
  ProgressCallback,
  ProgressEvent,
  VerbDefinition,
  VerbOutcome,
} from './verb';
import { CONFERENCE_EVENTS, PROGRESS_EVENTS, splitEventList } from './verb';
import { queueName } from './enqueue.verb';
import { recordingStatusParams } from './recording-callbacks';

export interface DialVerb {
  verb: 'Dial';
  action: string | null;
  method: HttpMethod;
  request: DialRequest;
  conference: ConferenceRequest | null;
  queue: DialQueueRequest | null;
  recordingStatusCallback: { url: string; method: HttpMethod } | null;
}

/** The spec's limits for a `<Sip>` target: the URI under 255 characters, its headers under 1024. */
export const MAX_SIP_URI = 255;
export const MAX_SIP_HEADERS = 1024;

const SIP_URI = /^sip:(?:[^@\s;?]+@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?((?:;[^;?\s]+)*)$/;
const HEADER_NAME = /^X-[A-Za-z0-9-]{1,64}$/;

/** XML character references (`&#13;&#10;`) put CR/LF in attributes; a caller id must be one line of text. */
function callerIdAttribute(node: RcmlNode): string | null {
  const callerId = node.attributes.callerId?.trim() || null;
  if (callerId && hasControlCharacters(callerId))
    throw new RcmlSchemaError('<Dial> callerId must not contain control characters');
  return callerId;
}

function progressCallback(node: RcmlNode, context: ParseContext): ProgressCallback | null {
  const url = optionalUrlAttribute(node, 'statusCallback', context);
  if (!url) return null;
  const raw = node.attributes.statusCallbackEvent;
  const events = raw ? splitEventList(raw) : ['completed'];
  const unknown = events.filter((event) => !PROGRESS_EVENTS.includes(event as ProgressEvent));
  if (unknown.length > 0)
    throw new RcmlSchemaError(
      `<${node.name}> statusCallbackEvent has unknown event(s): ${unknown.join(', ')}`,
    );
  return {
    url,
    method: methodAttribute(node, 'statusCallbackMethod', 'POST'),
    events: events as ProgressEvent[],
  };
}

function screening(node: RcmlNode, context: ParseContext) {
  const url = optionalUrlAttribute(node, 'url', context);
  return url ? { url, method: methodAttribute(node, 'method', 'POST') } : null;
}

const NOUN_CALLBACK_ATTRIBUTES = ['statusCallbackEvent', 'statusCallback', 'statusCallbackMethod'];

function parseSip(node: RcmlNode, context: ParseContext): DialTargetSpec {
  warnUnknownAttributes(
    node,
    ['url', 'method', 'username', 'password', 'name', ...NOUN_CALLBACK_ATTRIBUTES],
    context,
  );
  const [uri, query = ''] = node.text.split('?', 2);
  if (hasControlCharacters(uri)) throw new RcmlSchemaError('<Sip> URI must not contain control characters');
  if (uri.length >= MAX_SIP_URI)
    throw new RcmlSchemaError(`<Sip> URI is ${uri.length} characters; it must be under ${MAX_SIP_URI}`);
  if (query.length >= MAX_SIP_HEADERS) {
    throw new RcmlSchemaError(
      `<Sip> headers are ${query.length} characters; they must be under ${MAX_SIP_HEADERS}`,
    );
  }
  const match = SIP_URI.exec(uri);
  if (!match) throw new RcmlSchemaError(`<Sip> "${uri}" is not a sip: URI`);
  const transport = /;transport=([^;]*)/i.exec(match[1] ?? '');
  if (transport && !['udp', 'tcp'].includes(transport[1].toLowerCase())) {
    throw new RcmlSchemaError(`<Sip> transport "${transport[1]}" is not supported (udp or tcp)`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    if (!HEADER_NAME.test(name)) throw new RcmlSchemaError(`<Sip> header "${name}" must be an X- header`);
    // Percent-decoding can yield CR/LF: a header value that would start a header of its own.
    if (hasControlCharacters(value))
      throw new RcmlSchemaError(`<Sip> header "${name}" must not contain control characters`);
    headers[name] = value;
  }
  const username = node.attributes.username;
  const password = node.attributes.password;
  if ([username, password].some((value) => value !== undefined && hasControlCharacters(value)))
    throw new RcmlSchemaError('<Sip> username and password must not contain control characters');
  if ((username === undefined) !== (password === undefined))
    throw new RcmlSchemaError('<Sip> needs both username and password');
  return {
    target: { noun: 'Sip', uri, headers, ...(username !== undefined ? { username, password } : {}) },
    screening: screening(node, context),
    progress: progressCallback(node, context),
  };
}

function parseNumber(node: RcmlNode, context: ParseContext): DialTargetSpec {
  warnUnknownAttributes(node, ['url', 'method', ...NOUN_CALLBACK_ATTRIBUTES], context);
  const number = node.text.replace(/[\s()-]/g, '');
  if (!/^\+?\d{2,20}$/.test(number))
    throw new RcmlSchemaError(`<Number> "${node.text}" is not a phone number`);
  return {
    target: { noun: 'Number', number },
    screening: screening(node, context),
    progress: progressCallback(node, context),
  };
}

function parseClient(node: RcmlNode, context: ParseContext): DialTargetSpec {
  warnUnknownAttributes(node, ['url', 'method', 'name', ...NOUN_CALLBACK_ATTRIBUTES], context);
  const login = node.text || node.attributes.name || '';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(login))
    throw new RcmlSchemaError(`<Client> "${login}" is not a client login`);
  return {
    target: { noun: 'Client', login },
    screening: screening(node, context),
    progress: progressCallback(node, context),
  };
}

function parseConference(
  node: RcmlNode,
  context: ParseContext,
  timeLimitSeconds: number,
  hangupOnStar: boolean,
): ConferenceRequest {
  warnUnknownAttributes(
    node,
    [
      'muted',
      'beep',
      'startConferenceOnEnter',
      'endConferenceOnExit',
      'waitUrl',
      'waitMethod',
      'maxParticipants',
      ...NOUN_CALLBACK_ATTRIBUTES,
    ],
    context,
  );
  if (!/^[A-Za-z0-9 _.-]{1,64}$/.test(node.text))
    throw new RcmlSchemaError(`<Conference> name "${node.text}" is not valid`);
  const waitUrl = node.attributes.waitUrl;
  return {
    name: node.text,
    muted: booleanAttribute(node, 'muted', false),
    beep: enumAttribute(node, 'beep', ['true', 'false', 'onEnter', 'onExit'], 'true'),
    startConferenceOnEnter: booleanAttribute(node, 'startConferenceOnEnter', true),
    endConferenceOnExit: booleanAttribute(node, 'endConferenceOnExit', false),
    waitUrl: waitUrl === undefined || waitUrl === '' ? null : optionalUrlAttribute(node, 'waitUrl', context),
    maxParticipants: integerAttribute(node, 'maxParticipants', 250, 2, 250),
    timeLimitSeconds,
    hangupOnStar,
    statusCallback: conferenceCallback(node, context),
  };
}

/** `<Queue>`: its `url` runs on the dequeued caller before the bridge. */
function parseQueue(node: RcmlNode, context: ParseContext, timeoutSeconds: number): DialQueueRequest {
  warnUnknownAttributes(node, ['url', 'method'], context);
  return { name: queueName(node.text, 'Queue'), url: screening(node, context), timeoutSeconds };
}

/** Twilio's default events are `start end`; events Callwright does not report are warned about. */
function conferenceCallback(node: RcmlNode, context: ParseContext): ConferenceCallback | null {
  const url = optionalUrlAttribute(node, 'statusCallback', context);
  if (!url) return null;
  const raw = node.attributes.statusCallbackEvent;
  const asked = raw ? splitEventList(raw) : ['start', 'end'];
  const events = asked.filter((event): event is ConferenceEvent =>
    CONFERENCE_EVENTS.includes(event as ConferenceEvent),
  );
  const skipped = asked.filter((event) => !events.includes(event as ConferenceEvent));
  if (skipped.length > 0)
    context.warn(`<Conference> statusCallbackEvent ${skipped.join(', ')} not reported; skipped`);
  return { url, method: methodAttribute(node, 'statusCallbackMethod', 'POST'), events };
}

const NOUN_PARSERS: Record<string, (node: RcmlNode, context: ParseContext) => DialTargetSpec> = {
  Sip: parseSip,
  Number: parseNumber,
  Client: parseClient,
};

export const dialVerb: VerbDefinition<DialVerb> = {
  name: 'Dial',
  needsAnswer: (verb) => !verb.request.answerOnBridge || verb.conference !== null,
  parse(node, context) {
    warnUnknownAttributes(
      node,
      [
        'action',
        'method',
        'timeout',
        'timeLimit',
        'callerId',
        'record',
        'hangupOnStar',
        'answerOnBridge',
        'recordingStatusCallback',
        'recordingStatusCallbackMethod',
        'recordingStatusCallbackEvent',
      ],
      context,
    );
    const record = enumAttribute(
      node,
      'record',
      ['do-not-record', 'record-from-answer', 'record-from-ringing'],
      'do-not-record',
    );
    if (record === 'record-from-ringing')
      context.warn('<Dial record="record-from-ringing"> is recorded from answer');
    const timeLimitSeconds = integerAttribute(node, 'timeLimit', 14400, 1, 86400);
    const hangupOnStar = booleanAttribute(node, 'hangupOnStar', false);
    const targets: DialTargetSpec[] = [];
    let conference: ConferenceRequest | null = null;
    let queue: DialQueueRequest | null = null;
    const timeoutSeconds = integerAttribute(node, 'timeout', 30, 1, 600);
    if (node.children.length === 0 && node.text)
      targets.push(parseNumber({ ...node, attributes: {}, name: 'Number' }, context));
    for (const child of node.children) {
      try {
        if (child.name === 'Conference') {
          if (conference) context.warn('Only one <Conference> per <Dial>; the others were skipped');
          else conference = parseConference(child, context, timeLimitSeconds, hangupOnStar);
          continue;
        }
        if (child.name === 'Queue') {
          if (queue) context.warn('Only one <Queue> per <Dial>; the others were skipped');
          else queue = parseQueue(child, context, timeoutSeconds);
          continue;
        }
        const parse = NOUN_PARSERS[child.name];
        if (!parse) {
          context.warn(`<${child.name}> is not a <Dial> noun and was skipped`);
          continue;
        }
        targets.push(parse(child, context));
      } catch (error) {
        if (!(error instanceof RcmlSchemaError)) throw error;
        context.warn(`${error.message}; the noun was skipped`);
      }
    }
    if (conference && (targets.length > 0 || queue))
      context.warn('<Conference> cannot be dialed with other nouns; the others were skipped');
    if (queue && !conference && targets.length > 0)
      context.warn('<Queue> cannot be dialed with other nouns; the others were skipped');
    if (!conference && !queue && targets.length === 0)
      throw new RcmlSchemaError('<Dial> has nothing to dial');
    const recordingEvents = node.attributes.recordingStatusCallbackEvent;
    if (
      recordingEvents !== undefined &&
      splitEventList(recordingEvents).some((event) => event !== 'completed')
    )
      context.warn('<Dial> recordingStatusCallbackEvent: only "completed" is sent');
    const recordingCallbackUrl = optionalUrlAttribute(node, 'recordingStatusCallback', context);
    return {
      verb: 'Dial',
      action: optionalUrlAttribute(node, 'action', context),
      method: methodAttribute(node, 'method', 'POST'),
      conference,
      queue: conference ? null : queue,
      recordingStatusCallback: recordingCallbackUrl
        ? {
            url: recordingCallbackUrl,
            method: methodAttribute(node, 'recordingStatusCallbackMethod', 'POST'),
          }
        : null,
      request: {
        targets,
        timeoutSeconds,
        timeLimitSeconds,
        callerId: callerIdAttribute(node),
        recordFromAnswer: record !== 'do-not-record',
        hangupOnStar,
        answerOnBridge: booleanAttribute(node, 'answerOnBridge', false),
      },
    };
  },
  async execute(verb, context): Promise<VerbOutcome> {
    const result = verb.conference
      ? await context.joinConference(verb.conference)
      : verb.queue
        ? await context.dialQueue(verb.queue)
        : await context.dial(verb.request);
    if (verb.recordingStatusCallback && result.recording)
      await context.notifyApp(
        verb.recordingStatusCallback.url,
        verb.recordingStatusCallback.method,
        recordingStatusParams({ ...result.recording, source: 'DialVerb' }),
      );
    if (result.callerGone || context.signal.aborted) return 'end';
    if (!verb.action) return 'continue';
    return { next: { url: verb.action, method: verb.method, params: dialActionParams(result) } };
  },
};

export function dialActionParams(result: DialResult): Record<string, string> {
  const params: Record<string, string> = {
    DialCallStatus: result.status,
    DialCallDuration: String(result.durationSeconds),
    // Whether the caller was connected with the dialed party.
    DialBridged: result.status === 'completed' ? 'true' : 'false',
  };
  if (result.callSid) params.DialCallSid = result.callSid;
  if (result.sip) {
    if (result.sip.callId) params.DialSipCallId = result.sip.callId;
    if (result.sip.responseCode !== null) params.DialSipResponseCode = String(result.sip.responseCode);
    for (const [name, value] of Object.entries(result.sip.headers)) params[`DialSipHeader_${name}`] = value;
  }
  return { ...params, ...result.extraParams };
}
