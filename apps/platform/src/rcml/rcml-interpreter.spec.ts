import { RcmlErrorCode, RcmlInterpreter } from './rcml-interpreter';
import type { VerbContext } from './verbs/verb';

class RecordingContext implements VerbContext {
  readonly actions: string[] = [];
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;

  async pause(seconds: number): Promise<void> {
    this.actions.push(`pause ${seconds}`);
  }
  async hangup(): Promise<void> {
    this.actions.push('hangup');
  }
  endCall(): void {
    this.controller.abort();
  }
}

describe('RcmlInterpreter (minimal)', () => {
  const interpreter = new RcmlInterpreter();

  it('runs Pause then Hangup in document order', async () => {
    const context = new RecordingContext();
    const result = await interpreter.run(
      '<Response><Pause length="2"/><Hangup/><Pause/></Response>',
      context,
    );
    expect(result).toEqual({ kind: 'finished' });
    expect(context.actions).toEqual(['pause 2', 'hangup']);
  });

  it('defaults Pause length to one second', async () => {
    const context = new RecordingContext();
    await interpreter.run('<?xml version="1.0"?><Response><Pause/></Response>', context);
    expect(context.actions).toEqual(['pause 1', 'hangup']);
  });

  it('hangs up when the document runs out of verbs', async () => {
    const context = new RecordingContext();
    expect(await interpreter.run('<Response></Response>', context)).toEqual({ kind: 'finished' });
    expect(context.actions).toEqual(['hangup']);
  });

  it('rejects an unsupported verb before running anything', async () => {
    const context = new RecordingContext();
    const result = await interpreter.run('<Response><Pause/><Dance/></Response>', context);
    expect(result).toEqual({
      kind: 'rejected',
      problem: { code: RcmlErrorCode.SchemaValidationWarning, message: '<Dance> is not a supported verb' },
    });
    expect(context.actions).toEqual([]);
  });

  it.each([
    ['<Response><Pause length="abc"/></Response>', /not an integer/],
    ['<Response><Pause length="-1"/></Response>', /between 0 and 3600/],
    ['<Response><Pause size="1"/></Response>', /unknown attribute/],
    ['<Hangup/>', /root element must be <Response>/],
  ])('rejects schema violations: %s', async (xml, message) => {
    const result = await interpreter.run(xml, new RecordingContext());
    expect(result.kind).toBe('rejected');
    expect(result.kind === 'rejected' && result.problem.message).toMatch(message);
  });

  it.each([
    '<Response><Pause>',
    'not xml at all <',
    '<!DOCTYPE x [<!ENTITY a "b">]><Response>&a;</Response>',
  ])('reports a parse failure for %s', async (xml) => {
    const result = await interpreter.run(xml, new RecordingContext());
    expect(result).toMatchObject({ kind: 'rejected', problem: { code: RcmlErrorCode.DocumentParseFailure } });
  });

  it('stops when the call ends mid-document', async () => {
    const context = new RecordingContext();
    const pause = context.pause.bind(context);
    context.pause = async (seconds) => {
      await pause(seconds);
      context.endCall();
    };
    const result = await interpreter.run('<Response><Pause/><Pause/></Response>', context);
    expect(result).toEqual({ kind: 'interrupted' });
    expect(context.actions).toEqual(['pause 1']);
  });
});
