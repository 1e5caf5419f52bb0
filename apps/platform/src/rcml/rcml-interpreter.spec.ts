import { RcmlDocument, RcmlErrorCode, RcmlInterpreter, RcmlProblem } from './rcml-interpreter';
import type {
  ConferenceRequest,
  DialQueueRequest,
  DialRequest,
  DialResult,
  StreamRequest,
  DigitCollection,
  EnqueueRequest,
  EnqueueResult,
  RecordingRequest,
  VerbContext,
} from './verbs/verb';

/** Records what the verbs asked of the call; digits and recordings are scripted per test. */
class ScriptedCall implements VerbContext {
  readonly actions: string[] = [];
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  digits = '';
  finishedOnKey = '';
  prompted: string[] = [];

  async answer() {
    if (!this.actions.includes('answer')) this.actions.push('answer');
  }
  async pause(seconds: number) {
    this.actions.push(`pause ${seconds}`);
  }
  async hangup() {
    this.actions.push('hangup');
  }
  async reject(reason: string) {
    this.actions.push(`reject ${reason}`);
  }
  async play(media: string) {
    this.actions.push(`play ${media}`);
  }
  async sendDtmf(digits: string) {
    this.actions.push(`dtmf ${digits}`);
  }
  async remoteMedia(url: string) {
    this.actions.push(`fetch ${url}`);
    return url.includes('broken') ? null : `sound:${url.replace('http://app.example/', 'platform/')}`;
  }
  async speech(text: string, voice: string, language: string) {
    return `sound:tts/${voice}/${language}/${text}`;
  }
  async collectDigits(request: DigitCollection) {
    const before = this.actions.length;
    await request.prompt(new AbortController().signal);
    this.prompted = this.actions.splice(before);
    this.actions.push(`gather ${request.numDigits ?? '-'} ${request.finishOnKey} ${request.timeoutSeconds}`);
    return { digits: this.digits, finishedOnKey: this.finishedOnKey };
  }
  async record(request: RecordingRequest) {
    this.actions.push(
      `record ${request.maxLengthSeconds} ${request.silenceTimeoutSeconds} ${request.finishOnKey} ${request.playBeep}`,
    );
    return {
      recordingSid: 'RE1',
      recordingUrl: 'http://platform/RE1',
      durationSeconds: 3,
      digits: '#',
      startTime: new Date(0),
    };
  }
  async notifyApp(url: string) {
    this.actions.push(`notify ${url}`);
  }
  dialed: DialRequest[] = [];
  dialResult: DialResult = {
    status: 'completed',
    callSid: 'CA1',
    durationSeconds: 4,
    sip: null,
    callerGone: false,
  };
  async dial(request: DialRequest) {
    this.dialed.push(request);
    this.actions.push(`dial ${request.targets.length}`);
    return this.dialResult;
  }
  async joinConference(request: ConferenceRequest) {
    this.actions.push(`conference ${request.name}`);
    return this.dialResult;
  }
  streams: StreamRequest[] = [];
  async startStream(request: StreamRequest) {
    this.streams.push(request);
    this.actions.push(`start-stream ${request.url} ${request.name ?? '-'} ${request.track}`);
  }
  async stopStream(name: string | null) {
    this.actions.push(`stop-stream ${name ?? '*'}`);
  }
  async connectStream(request: StreamRequest) {
    this.streams.push(request);
    this.actions.push(`connect-stream ${request.url}`);
  }
  enqueueResult: EnqueueResult = { result: 'leave', queueSid: 'QU1', queueTimeSeconds: 3 };
  async enqueue(request: EnqueueRequest) {
    this.actions.push(`enqueue ${request.name} ${request.waitUrl?.url ?? '-'}`);
    return this.enqueueResult;
  }
  leaveQueue() {
    this.actions.push('leave');
    return false;
  }
  async dialQueue(request: DialQueueRequest) {
    this.actions.push(`dial-queue ${request.name} ${request.url?.url ?? '-'} ${request.timeoutSeconds}`);
    return this.dialResult;
  }
  endCall() {
    this.controller.abort();
  }
}

const doc = (xml: string): RcmlDocument => ({
  url: 'http://app.example/voice/start.xml',
  method: 'POST',
  xml,
});

async function run(xml: string, call = new ScriptedCall()) {
  const warnings: RcmlProblem[] = [];
  const result = await new RcmlInterpreter().run(
    doc(xml),
    call,
    async (problem) => void warnings.push(problem),
  );
  return { result, warnings, call, actions: call.actions };
}

describe('RcmlInterpreter', () => {
  it('runs verbs in document order, answering first, and hangs up at the end of the document', async () => {
    const { result, actions } = await run(
      '<Response><Say voice="woman" language="en-GB">Hi</Say><Play loop="2">/a.wav</Play><Pause length="2"/></Response>',
    );
    expect(result).toEqual({ kind: 'finished' });
    expect(actions).toEqual([
      'answer',
      'play sound:tts/woman/en-GB/Hi',
      'fetch http://app.example/a.wav',
      'play sound:platform/a.wav',
      'play sound:platform/a.wav',
      'pause 2',
      'hangup',
    ]);
  });

  it('skips a Play whose file cannot be fetched and goes on with the next verb', async () => {
    const { actions } = await run('<Response><Play loop="3">/broken.wav</Play><Say>Next</Say></Response>');
    expect(actions).toEqual([
      'answer',
      'fetch http://app.example/broken.wav',
      'play sound:tts/man/en-US/Next',
      'hangup',
    ]);
  });

  it('plays platform sounds and DTMF digits', async () => {
    const { actions } = await run('<Response><Play>sound:beep</Play><Play digits="w12ww#a"/></Response>');
    expect(actions).toEqual([
      'answer',
      'play sound:beep',
      'pause 0.5',
      'dtmf 12',
      'pause 1',
      'dtmf #A',
      'hangup',
    ]);
  });

  it('stops at Hangup', async () => {
    const { actions } = await run('<Response><Hangup/><Pause/></Response>');
    expect(actions).toEqual(['answer', 'hangup']);
  });

  it('rejects without answering', async () => {
    const { actions } = await run('<Response><Reject reason="busy"/></Response>');
    expect(actions).toEqual(['reject busy']);
  });

  it('follows Redirect with its method, resolving relative URLs against the document', async () => {
    const { result } = await run(
      '<Response><Redirect method="GET">next.xml?a=1&amp;b=2</Redirect><Hangup/></Response>',
    );
    expect(result).toEqual({
      kind: 'next',
      next: { url: 'http://app.example/voice/next.xml?a=1&b=2', method: 'GET', params: {} },
    });
  });

  it('gathers digits with nested prompts and sends them to the action', async () => {
    const call = new ScriptedCall();
    call.digits = '1234';
    const { result, actions } = await run(
      '<Response><Gather numDigits="4" finishOnKey="*" timeout="7" action="/digits" method="GET"><Say>Enter</Say><Pause/></Gather></Response>',
      call,
    );
    expect(call.prompted).toEqual(['play sound:tts/man/en-US/Enter', 'pause 1']);
    expect(actions).toEqual(['answer', 'gather 4 * 7']);
    expect(result).toEqual({
      kind: 'next',
      next: {
        url: 'http://app.example/digits',
        method: 'GET',
        params: { Digits: '1234', FinishedOnKey: '' },
      },
    });
  });

  it('tells the Gather action which finishOnKey ended the input (FinishedOnKey)', async () => {
    const call = new ScriptedCall();
    call.digits = '12';
    call.finishedOnKey = '#';
    const { result } = await run('<Response><Gather action="/digits"/></Response>', call);
    expect(result).toMatchObject({ next: { params: { Digits: '12', FinishedOnKey: '#' } } });
  });

  it('continues with the next verb when Gather times out without digits; action defaults to the document', async () => {
    const { result, actions } = await run('<Response><Gather/><Say>Bye</Say></Response>');
    expect(actions).toEqual(['answer', 'gather - # 5', 'play sound:tts/man/en-US/Bye', 'hangup']);
    expect(result).toEqual({ kind: 'finished' });
  });

  it('records, posts the recording status callback and requests the action with the recording', async () => {
    const { result, actions } = await run(
      '<Response><Record maxLength="20" timeout="3" finishOnKey="#" playBeep="false" action="/done" recordingStatusCallback="/rec-status"/></Response>',
    );
    expect(actions).toEqual(['answer', 'record 20 3 # false', 'notify http://app.example/rec-status']);
    expect(result).toEqual({
      kind: 'next',
      next: {
        url: 'http://app.example/done',
        method: 'POST',
        params: {
          RecordingUrl: 'http://platform/RE1',
          RecordingDuration: '3',
          RecordingSid: 'RE1',
          Digits: '#',
        },
      },
    });
  });

  it('Enqueue waits in the named queue and requests the action with QueueResult, QueueSid, QueueTime', async () => {
    const { result, actions } = await run(
      '<Response><Enqueue action="/left" waitUrl="/wait" waitUrlMethod="GET">support</Enqueue></Response>',
    );
    expect(actions).toEqual(['answer', 'enqueue support http://app.example/wait']);
    expect(result).toEqual({
      kind: 'next',
      next: {
        url: 'http://app.example/left',
        method: 'POST',
        params: { QueueResult: 'leave', QueueSid: 'QU1', QueueTime: '3' },
      },
    });
  });

  it('Enqueue dequeued through the API goes to the given Url; without an action the document goes on', async () => {
    const call = new ScriptedCall();
    call.enqueueResult = {
      result: 'redirected',
      queueSid: 'QU1',
      queueTimeSeconds: 1,
      redirect: { url: 'http://app.example/next', method: 'GET' },
    };
    const redirected = await run('<Response><Enqueue>support</Enqueue></Response>', call);
    expect(redirected.result).toMatchObject({ next: { url: 'http://app.example/next', method: 'GET' } });
    const { actions } = await run('<Response><Enqueue>support</Enqueue><Leave/><Hangup/></Response>');
    expect(actions).toEqual(['answer', 'enqueue support -', 'leave', 'hangup']);
  });

  it('Dial with a Queue noun dequeues from it; the action hears DialBridged', async () => {
    const { result, actions } = await run(
      '<Response><Dial action="/after" timeout="9"><Queue url="/about-to-connect">support</Queue></Dial></Response>',
    );
    expect(actions).toEqual(['answer', 'dial-queue support http://app.example/about-to-connect 9']);
    expect(result).toMatchObject({ next: { params: { DialCallStatus: 'completed', DialBridged: 'true' } } });
  });

  it('warns about unknown verbs and attributes and skips what it cannot run', async () => {
    const { result, warnings, actions } = await run(
      '<Response><Dance/><Pause length="abc"/><Pause length="1" colour="red"/><Gather><Dial/></Gather></Response>',
    );
    expect(result).toEqual({ kind: 'finished' });
    expect(actions).toEqual(['answer', 'pause 1', 'gather - # 5', 'hangup']);
    expect(warnings.map((w) => w.message)).toEqual([
      '<Dance> is not a supported verb and was skipped',
      '<Pause> length="abc" is not an integer; the verb was skipped',
      '<Pause> attribute "colour" is not supported and was ignored',
      '<Dial> cannot be nested in <Gather> and was skipped',
    ]);
    expect(warnings.every((w) => w.code === RcmlErrorCode.SchemaValidationWarning)).toBe(true);
  });

  it.each([
    ['<Response><Pause length="-1"/></Response>', /between 0 and 3600/],
    ['<Response><Play loop="x">a.wav</Play></Response>', /not an integer/],
    ['<Response><Play>ftp://x/a.wav</Play></Response>', /http\(s\) URL/],
    ['<Response><Redirect/></Response>', /needs a URL/],
    ['<Response><Reject reason="nope"/></Response>', /must be one of rejected, busy/],
    ['<Response><Gather finishOnKey="x"/></Response>', /0-9, \* and #/],
    ['<Response><Record playBeep="maybe"/></Response>', /must be one of true, false/],
  ])('warns and skips verbs with wrong attribute values: %s', async (xml, message) => {
    const { warnings } = await run(xml);
    expect(warnings[0].message).toMatch(message);
  });

  it('rejects a document whose root is not Response', async () => {
    const { result, actions } = await run('<Hangup/>');
    expect(result).toMatchObject({
      kind: 'rejected',
      problem: { code: RcmlErrorCode.SchemaValidationWarning },
    });
    expect(actions).toEqual([]);
  });

  it.each([
    '<Response><Pause>',
    'not xml at all <',
    '<!DOCTYPE x [<!ENTITY a "b">]><Response>&a;</Response>',
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Response><Say>&lol2;</Say></Response>',
    `<Response>${'<Pause/>'.repeat(3000)}</Response>`,
    `<Response>${'<Gather>'.repeat(12)}${'</Gather>'.repeat(12)}</Response>`,
  ])('rejects unparsable or hostile documents before running anything: %#', async (xml) => {
    const { result, actions } = await run(xml);
    expect(result).toMatchObject({ kind: 'rejected', problem: { code: RcmlErrorCode.DocumentParseFailure } });
    expect(actions).toEqual([]);
  });

  it('stops when the call ends mid-document', async () => {
    const call = new ScriptedCall();
    call.pause = async (seconds) => {
      call.actions.push(`pause ${seconds}`);
      call.endCall();
    };
    const { result, actions } = await run('<Response><Pause/><Pause/></Response>', call);
    expect(result).toEqual({ kind: 'interrupted' });
    expect(actions).toEqual(['answer', 'pause 1']);
  });
});

describe('RcmlInterpreter: control characters never reach a dialed leg', () => {
  it.each([
    // A literal line break inside an attribute survives parsing: the injection a document can carry.
    [
      'a callerId with a line break',
      '<Dial callerId="+1555\r\nX-Evil: 1"><Number>+15551234567</Number></Dial>',
    ],
    [
      'a callerId with a control character',
      '<Dial callerId="+1555\u0001"><Number>+15551234567</Number></Dial>',
    ],
  ])('skips a Dial with %s', async (_name, dial) => {
    const { call, warnings } = await run(`<Response>${dial}</Response>`);
    expect(call.dialed).toHaveLength(0);
    expect(warnings.map((w) => w.message).join('\n')).toContain(
      'callerId must not contain control characters',
    );
  });

  it.each([
    ['a percent-encoded CR/LF in a header value', 'sip:bob@example.com?X-A=1%0D%0AX-Evil:%202'],
    ['a line break in the URI', 'sip:bob\n@example.com'],
    ['a control character in the user part', 'sip:b\u0001ob@example.com'],
  ])('skips a <Sip> noun with %s', async (_name, uri) => {
    const { call, warnings } = await run(
      `<Response><Dial><Sip>${uri}</Sip><Number>+15551234567</Number></Dial></Response>`,
    );
    expect(call.dialed).toHaveLength(1);
    expect(call.dialed[0].targets.map((target) => target.target.noun)).toEqual(['Number']);
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/<Sip>.*(control characters|not a sip: URI)/);
  });

  it('skips a <Sip> noun whose credentials hold control characters', async () => {
    const { call } = await run(
      '<Response><Dial><Sip username="a\nb" password="x">sip:bob@example.com</Sip></Dial></Response>',
    );
    expect(call.dialed).toHaveLength(0);
  });

  it('an inline document (no URL): Gather and Record without action go on, relative URLs are refused', async () => {
    const call = new ScriptedCall();
    call.digits = '12';
    const warnings: RcmlProblem[] = [];
    const result = await new RcmlInterpreter().run(
      {
        url: null,
        method: 'POST',
        xml: '<Response><Gather/><Record/><Redirect>/relative.xml</Redirect><Pause length="1"/></Response>',
      },
      call,
      async (problem) => void warnings.push(problem),
    );
    expect(result).toEqual({ kind: 'finished' });
    expect(call.actions).toEqual([
      'answer',
      'gather - # 5',
      'record 3600 5 1234567890*# true',
      'pause 1',
      'hangup',
    ]);
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/relative\.xml.*not a valid URL/);
  });
});

describe('RcmlInterpreter: Media Streams', () => {
  it('<Start><Stream> starts the stream with its <Parameter>s and goes on; <Stop> ends it by name', async () => {
    const { actions, warnings, call } = await run(
      '<Response><Start><Stream url="wss://media.example/in" name="s1"><Parameter name="who" value="alice"/>' +
        '<Parameter name="n" value="1"/></Stream></Start><Pause length="1"/><Stop><Stream name="s1"/></Stop></Response>',
    );
    expect(warnings).toEqual([]);
    expect(actions).toEqual([
      'answer',
      'start-stream wss://media.example/in s1 inbound_track',
      'pause 1',
      'stop-stream s1',
      'hangup',
    ]);
    expect(call.streams[0].parameters).toEqual({ who: 'alice', n: '1' });
  });

  it('<Connect><Stream> holds the document, then follows action', async () => {
    const { result, actions } = await run(
      '<Response><Connect action="/after"><Stream url="ws://media.example/bi"/></Connect><Hangup/></Response>',
    );
    expect(actions).toEqual(['answer', 'connect-stream ws://media.example/bi']);
    expect(result).toEqual({
      kind: 'next',
      next: { url: 'http://app.example/after', method: 'POST', params: {} },
    });
  });

  it('skips a <Stream> whose URL is not a WebSocket URL, or a <Connect> that streams another track', async () => {
    const { actions, warnings } = await run(
      '<Response><Start><Stream url="https://media.example/in"/></Start>' +
        '<Connect><Stream url="wss://m.example/" track="both_tracks"/></Connect><Stop><Stream/></Stop></Response>',
    );
    expect(actions).toEqual(['answer', 'stop-stream *', 'hangup']);
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringContaining('must be a wss://'),
      expect.stringContaining('only streams the inbound_track'),
    ]);
  });
});
