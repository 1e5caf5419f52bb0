import fc from 'fast-check';
import { RcmlSchemaError } from './rcml-node';
import { parseRcmlDocument, RcmlParseError } from './rcml-parser';
import { RcmlInterpreter } from './rcml-interpreter';
import type { VerbContext } from './verbs/verb';

const VERBS = ['Say', 'Play', 'Pause', 'Gather', 'Record', 'Hangup', 'Reject', 'Redirect', 'Dial', 'Dance'];
const ATTRIBUTES = [
  'length',
  'loop',
  'digits',
  'voice',
  'language',
  'numDigits',
  'finishOnKey',
  'timeout',
  'action',
  'method',
  'reason',
  'maxLength',
  'playBeep',
  'x',
];

const attribute = fc
  .tuple(
    fc.constantFrom(...ATTRIBUTES),
    fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -5, max: 5000 }).map(String)),
  )
  .map(([name, value]) => `${name}="${value.replace(/[<&"]/g, '')}"`);

const element: fc.Memo<string> = fc.memo((depth) =>
  fc
    .tuple(
      fc.constantFrom(...VERBS),
      fc.array(attribute, { maxLength: 3 }),
      depth > 1 ? fc.array(element(depth - 1), { maxLength: 3 }) : fc.constant([]),
      fc.string({ maxLength: 12 }).map((text) => text.replace(/[<&]/g, '')),
    )
    .map(
      ([name, attrs, children, text]) =>
        `<${name} ${[...new Set(attrs)].join(' ')}>${text}${children.join('')}</${name}>`,
    ),
);

const documents = fc
  .array(element(3), { maxLength: 6 })
  .map((verbs) => `<Response>${verbs.join('')}</Response>`);

/** A call that does everything instantly, so whole documents run in microseconds. */
const instantCall = (): VerbContext => ({
  signal: new AbortController().signal,
  answer: async () => undefined,
  pause: async () => undefined,
  hangup: async () => undefined,
  reject: async () => undefined,
  play: async () => undefined,
  sendDtmf: async () => undefined,
  remoteMedia: async (url) => `sound:${url}`,
  speech: async () => 'sound:x',
  collectDigits: async (request) => {
    await request.prompt(new AbortController().signal);
    return { digits: '1', finishedOnKey: '' };
  },
  record: async () => ({
    recordingSid: 'RE',
    recordingUrl: 'http://x/RE',
    durationSeconds: 1,
    digits: '',
    startTime: new Date(0),
  }),
  notifyApp: async () => undefined,
  dial: async () => ({
    status: 'no-answer',
    callSid: null,
    durationSeconds: 0,
    sip: null,
    callerGone: false,
  }),
  joinConference: async () => ({
    status: 'completed',
    callSid: null,
    durationSeconds: 0,
    sip: null,
    callerGone: false,
  }),
  startStream: async () => undefined,
  stopStream: async () => undefined,
  connectStream: async () => undefined,
  enqueue: async () => ({ result: 'leave', queueSid: 'QU1', queueTimeSeconds: 0 }),
  leaveQueue: () => false,
  dialQueue: async () => ({
    status: 'no-answer',
    callSid: null,
    durationSeconds: 0,
    sip: null,
    callerGone: false,
  }),
});

const expectedFailure = (error: unknown) =>
  error instanceof RcmlParseError || error instanceof RcmlSchemaError;

describe('RCML parser under random input (fast-check)', () => {
  it('parses or refuses arbitrary strings with its own errors only', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseRcmlDocument(text);
        } catch (error) {
          if (!expectedFailure(error)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('interprets random verb trees without an unhandled exception', async () => {
    await fc.assert(
      fc.asyncProperty(documents, async (xml) => {
        const result = await new RcmlInterpreter().run(
          { url: 'http://app/x.xml', method: 'POST', xml },
          instantCall(),
          async () => undefined,
        );
        expect(['finished', 'next', 'rejected']).toContain(result.kind);
      }),
      { numRuns: 500 },
    );
  });

  it('survives mutated documents (characters dropped, inserted, swapped)', async () => {
    const mutated = fc
      .tuple(
        documents,
        fc.array(
          fc.tuple(fc.nat(), fc.constantFrom('', '<', '>', '"', '&', '/', '<!', ']]>', '\u0000', 'é')),
          { maxLength: 5 },
        ),
      )
      .map(([xml, edits]) =>
        edits.reduce((text, [position, insert]) => {
          const at = text.length === 0 ? 0 : position % text.length;
          return text.slice(0, at) + insert + text.slice(at + 1);
        }, xml),
      );
    await fc.assert(
      fc.asyncProperty(mutated, async (xml) => {
        const result = await new RcmlInterpreter().run(
          { url: 'http://app/x.xml', method: 'POST', xml },
          instantCall(),
          async () => undefined,
        );
        expect(['finished', 'next', 'rejected']).toContain(result.kind);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a billion-laughs document in well under a second', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join(
        '',
      ) +
      ']><Response><Say>&lol9;</Say></Response>';
    const started = process.hrtime.bigint();
    expect(() => parseRcmlDocument(bomb)).toThrow(RcmlParseError);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
  });

  it('decodes the predefined entities in text and attributes', () => {
    const root = parseRcmlDocument(
      '<Response><Play loop="1">http://a/b?x=1&amp;y=&lt;2&gt;</Play></Response>',
    );
    expect(root.children[0].text).toBe('http://a/b?x=1&y=<2>');
  });
});
