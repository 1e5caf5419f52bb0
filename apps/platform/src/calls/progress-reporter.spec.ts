import { buildCallEntity } from '../../../../test/factories/call-entity.factory';
import { CallStatus } from '../call-control/legs/call-status';
import { progressParams, ProgressReporter, storedProgressEvents } from './progress-reporter';

/** A record whose progress callbacks go to the app, for the events named. */
const withCallbacks = (events = 'initiated ringing answered completed') => ({
  statusCallback: 'http://app/progress',
  statusCallbackMethod: 'POST',
  statusCallbackEvent: events,
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('storedProgressEvents', () => {
  it('reads the stored list in firing order, whatever order it was given in', () => {
    expect(storedProgressEvents('completed ringing initiated')).toEqual([
      'initiated',
      'ringing',
      'completed',
    ]);
    expect(storedProgressEvents('answered')).toEqual(['answered']);
  });

  it('is completed alone when nothing (or nothing known) is stored', () => {
    expect(storedProgressEvents(null)).toEqual(['completed']);
    expect(storedProgressEvents('')).toEqual(['completed']);
    expect(storedProgressEvents('bogus')).toEqual(['completed']);
  });
});

describe('progressParams', () => {
  const at = new Date(Date.UTC(2026, 11, 1, 22, 30, 5));

  it('sends initiated as the status of the initiated event and the time in RFC 2822', () => {
    const call = buildCallEntity({ status: CallStatus.Queued });
    expect(progressParams('initiated', call, 0, at)).toMatchObject({
      CallSid: call.sid,
      CallStatus: 'initiated',
      Timestamp: 'Tue, 01 Dec 2026 22:30:05 +0000',
      CallbackSource: 'call-progress-events',
      SequenceNumber: '0',
    });
  });

  it('carries CallDuration in seconds and Duration in started minutes on completed only', () => {
    const call = buildCallEntity({ status: CallStatus.Completed, duration: 61, sipResponseCode: 200 });
    expect(progressParams('completed', call, 3, at)).toMatchObject({
      CallStatus: 'completed',
      CallDuration: '61',
      Duration: '2',
      SipResponseCode: '200',
      SequenceNumber: '3',
    });
    const answered = progressParams('answered', { ...call, status: CallStatus.InProgress }, 2, at);
    expect(answered.CallStatus).toBe('in-progress');
    expect(answered).not.toHaveProperty('CallDuration');
    expect(answered).not.toHaveProperty('Duration');
  });

  it('says busy on the completed event of a busy call, with no minutes billed', () => {
    const call = buildCallEntity({ status: CallStatus.Busy, duration: 0, sipResponseCode: 486 });
    expect(progressParams('completed', call, 1, at)).toMatchObject({
      CallStatus: 'busy',
      CallDuration: '0',
      Duration: '0',
      SipResponseCode: '486',
    });
  });
});

describe('ProgressReporter', () => {
  it('numbers only the events asked for, and sends the status of the moment each one happened', async () => {
    const sent: Record<string, string>[] = [];
    const reporter = new ProgressReporter(async (_target, params) => void sent.push(params));
    const call = buildCallEntity({ status: CallStatus.Queued, ...withCallbacks('ringing completed') });
    reporter.report('initiated', call);
    call.status = CallStatus.Ringing;
    reporter.report('ringing', call);
    call.status = CallStatus.InProgress;
    reporter.report('answered', call);
    call.status = CallStatus.Completed;
    reporter.report('completed', call);
    await reporter.drained();
    expect(sent.map((params) => [params.SequenceNumber, params.CallStatus])).toEqual([
      ['0', 'ringing'],
      ['1', 'completed'],
    ]);
  });

  it('sends one request at a time in firing order: a slow server holds back the later ones, not the caller', async () => {
    const first = deferred();
    const started: string[] = [];
    const reporter = new ProgressReporter(async (_target, params) => {
      started.push(params.CallStatus);
      if (params.CallStatus === 'initiated') await first.promise;
    });
    const call = buildCallEntity({ status: CallStatus.Queued, ...withCallbacks() });
    reporter.report('initiated', call);
    call.status = CallStatus.Ringing;
    reporter.report('ringing', call);
    // report() returned at once although the first request is still open.
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['initiated']);
    first.resolve();
    await reporter.drained();
    expect(started).toEqual(['initiated', 'ringing']);
  });

  it('goes on with the next callback after one fails', async () => {
    const sent: string[] = [];
    const reporter = new ProgressReporter(async (_target, params) => {
      if (params.CallStatus === 'initiated') throw new Error('refused');
      sent.push(params.CallStatus);
    });
    const call = buildCallEntity({ status: CallStatus.Queued, ...withCallbacks() });
    reporter.report('initiated', call);
    call.status = CallStatus.Ringing;
    reporter.report('ringing', call);
    await reporter.drained();
    expect(sent).toEqual(['ringing']);
  });

  it('sends nothing without a StatusCallback; a later one (live modification) keeps the stored events', async () => {
    const targets: string[] = [];
    const reporter = new ProgressReporter(
      async (target) => void targets.push(`${target.method} ${target.url}`),
    );
    const call = buildCallEntity({ status: CallStatus.Ringing, statusCallbackEvent: 'ringing completed' });
    reporter.report('ringing', call);
    Object.assign(call, { statusCallback: 'http://app/new', statusCallbackMethod: 'GET' });
    call.status = CallStatus.Completed;
    reporter.report('completed', call);
    reporter.report('initiated', call);
    Object.assign(call, { statusCallback: 'http://app/newer', statusCallbackMethod: 'POST' });
    reporter.report('completed', call);
    await reporter.drained();
    expect(targets).toEqual(['GET http://app/new', 'POST http://app/newer']);
  });
});
