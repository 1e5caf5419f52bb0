import { CallStatus } from './call-status';
import { CallSignal, isTerminal, nextStatus } from './call-state-machine';

const ended = (fields: Partial<Extract<CallSignal, { type: 'ended' }>>): CallSignal => ({
  type: 'ended',
  by: 'remote',
  cause: 16,
  ...fields,
});

describe('call state machine', () => {
  it('walks queued → ringing → in-progress → completed', () => {
    let status = CallStatus.Queued;
    status = nextStatus(status, { type: 'ringing' })!;
    expect(status).toBe(CallStatus.Ringing);
    status = nextStatus(status, { type: 'answered' })!;
    expect(status).toBe(CallStatus.InProgress);
    status = nextStatus(status, ended({ by: 'platform' }))!;
    expect(status).toBe(CallStatus.Completed);
  });

  it('allows answer without a ringing phase', () => {
    expect(nextStatus(CallStatus.Queued, { type: 'answered' })).toBe(CallStatus.InProgress);
  });

  it.each([
    [486, CallStatus.Busy],
    [600, CallStatus.Busy],
    [603, CallStatus.Busy],
    [408, CallStatus.NoAnswer],
    [480, CallStatus.Failed],
    [404, CallStatus.Failed],
    [503, CallStatus.Failed],
  ])('maps SIP %i on an unanswered leg to %s', (sipCode, expected) => {
    expect(nextStatus(CallStatus.Ringing, ended({ sipCode, cause: 0 }))).toBe(expected);
  });

  it.each([
    [17, CallStatus.Busy],
    [21, CallStatus.Busy],
    [19, CallStatus.NoAnswer],
    [18, CallStatus.NoAnswer],
    [34, CallStatus.Failed],
    [0, CallStatus.Failed],
  ])('maps Q.850 cause %i without a SIP code to %s', (cause, expected) => {
    expect(nextStatus(CallStatus.Queued, ended({ cause }))).toBe(expected);
  });

  it('reports no-answer when the platform gave up after Timeout, whatever the cause', () => {
    expect(nextStatus(CallStatus.Ringing, ended({ by: 'no-answer-timeout', sipCode: 487 }))).toBe(
      CallStatus.NoAnswer,
    );
  });

  it('reports canceled when the platform canceled a ringing call', () => {
    expect(nextStatus(CallStatus.Ringing, ended({ by: 'cancel', sipCode: 487 }))).toBe(CallStatus.Canceled);
  });

  it('reports failed when origination itself failed', () => {
    expect(nextStatus(CallStatus.Queued, ended({ by: 'error' }))).toBe(CallStatus.Failed);
  });

  it('completes an answered call whatever the hangup cause', () => {
    expect(nextStatus(CallStatus.InProgress, ended({ sipCode: 486, cause: 17 }))).toBe(CallStatus.Completed);
  });

  it('ignores every signal once the call is final', () => {
    for (const status of [
      CallStatus.Completed,
      CallStatus.Busy,
      CallStatus.Failed,
      CallStatus.NoAnswer,
      CallStatus.Canceled,
    ]) {
      expect(isTerminal(status)).toBe(true);
      expect(nextStatus(status, { type: 'ringing' })).toBeNull();
      expect(nextStatus(status, { type: 'answered' })).toBeNull();
      expect(nextStatus(status, ended({}))).toBeNull();
    }
  });

  it('ignores ringing after answer and duplicate answers', () => {
    expect(nextStatus(CallStatus.InProgress, { type: 'ringing' })).toBeNull();
    expect(nextStatus(CallStatus.InProgress, { type: 'answered' })).toBeNull();
  });
});
