import type { ConversationRegistry } from '../conversations/conversation-registry';
import type { CallLeg } from '../legs/call-leg';
import { CallStatus } from '../legs/call-status';
import { RingingCallees } from '../legs/ringing-callee';
import type { LegHangup } from '../ports/leg-hangup.port';
import type { LegPlacer, PlaceLegRequest } from '../ports/leg-placer.port';
import { connectInbound, unansweredSipCode } from './inbound-connection';

const phone = (contact: string) => ({ kind: 'sip-user' as const, dialString: `PJSIP/1002@acme/${contact}` });

/** What connectInbound does to the legs, in order; each target's leg answers (or not) when told. */
function scene(options: { targets?: number; status?: CallStatus; callerHangsUpFirst?: boolean } = {}) {
  const actions: string[] = [];
  const callerGone = new AbortController();
  const caller = {
    snapshot: { sid: 'CA-caller' },
    accountSid: 'AC1',
    signal: callerGone.signal,
    answer: async () => void actions.push('answer caller'),
    reject: async (code: number) => void actions.push(`reject caller ${code}`),
    hangup: async () => void actions.push('hang up caller'),
  } as unknown as CallLeg;
  const placed: PlaceLegRequest[] = [];
  const outcomes: Array<(yes: boolean) => void> = [];
  const placer: LegPlacer = {
    placeLeg: async (request: PlaceLegRequest) => {
      placed.push(request);
      const index = placed.length;
      return {
        member: { callSid: `CA-callee-${index}`, ended: new AbortController().signal } as never,
        answered: new Promise<boolean>((resolve) => outcomes.push(resolve)),
        status: () => options.status ?? CallStatus.InProgress,
      };
    },
  };
  const hangup: LegHangup = { hangUp: async (callSid: string) => void actions.push(`hang up ${callSid}`) };
  const ringing = new RingingCallees();
  const conversations = {
    ringing,
    create: ({ id, ...created }: { id: string }) => ({
      start: async (members: { callSid?: string; snapshot?: { sid: string } }[]) =>
        void actions.push(
          `bridge ${members.map((m) => m.callSid ?? m.snapshot?.sid).join('+')} ${JSON.stringify(created)}${
            id === sessionIds[0] ? '' : ' (another session)'
          }`,
        ),
    }),
  } as unknown as ConversationRegistry;
  const sessionIds: string[] = [];
  const targets = Array.from({ length: options.targets ?? 1 }, (_, i) => phone(`sip:1002@10.0.0.${i + 1}`));
  const connect = { targets, to: '1002', callerId: '1001', timeoutSeconds: 30 };
  const start = async () => {
    const done = connectInbound(caller, connect, { placer, hangup, conversations });
    await new Promise((resolve) => setImmediate(resolve));
    sessionIds.push(...ringing.list().map((side) => side.sessionId));
    return { done };
  };
  const run = async (answers: boolean[]) => {
    const { done } = await start();
    if (options.callerHangsUpFirst) callerGone.abort();
    answers.forEach((yes, i) => outcomes[i](yes));
    await done;
  };
  return { actions, placed, outcomes, ringing, start, run };
}

describe('connectInbound', () => {
  it('places the callee as a child leg of the caller, and answers and bridges the caller once it answers', async () => {
    const { actions, placed, run } = scene();
    await run([true]);
    expect(placed).toEqual([
      {
        forCallSid: 'CA-caller',
        accountSid: 'AC1',
        target: phone('sip:1002@10.0.0.1'),
        to: '1002',
        callerId: '1001',
        timeoutSeconds: 30,
      },
    ]);
    expect(actions).toEqual(['answer caller', 'bridge CA-caller+CA-callee-1 {"endWhenAlone":true}']);
  });

  it('rings every phone of the callee at once; the first to answer is bridged and the others are hung up', async () => {
    const { actions, placed, run } = scene({ targets: 3 });
    await run([false, true, true]);
    expect(placed.map((request) => request.target)).toEqual([
      phone('sip:1002@10.0.0.1'),
      phone('sip:1002@10.0.0.2'),
      phone('sip:1002@10.0.0.3'),
    ]);
    expect(actions).toEqual([
      'hang up CA-callee-1',
      'hang up CA-callee-3',
      'answer caller',
      'bridge CA-caller+CA-callee-2 {"endWhenAlone":true}',
    ]);
  });

  it.each([
    [CallStatus.Busy, 486],
    [CallStatus.NoAnswer, 408],
    [CallStatus.Failed, 480],
  ])('refuses the unanswered caller with the SIP code of a callee that ended %s', async (status, code) => {
    const { actions, run } = scene({ status, targets: 2 });
    await run([false, false]);
    expect(actions).toEqual([`reject caller ${code}`]);
  });

  it('cancels the ringing callee when the caller gives up, and answers no one', async () => {
    const { actions, run } = scene({ status: CallStatus.Canceled, callerHangsUpFirst: true });
    await run([false]);
    expect(actions[0]).toBe('hang up CA-callee-1');
    expect(actions).not.toContain('answer caller');
  });

  it('forwards the ringing callee: its phones are hung up, the target rings for the same caller and its answer is bridged', async () => {
    const { actions, placed, outcomes, ringing, start } = scene({ targets: 2 });
    const { done } = await start();
    const [side] = ringing.list();
    expect(side.isRinging('CA-callee-2')).toBe(true);
    await side.retarget([phone('sip:1003@10.0.0.9')], '1003');
    expect(placed[2]).toMatchObject({
      forCallSid: 'CA-caller',
      target: phone('sip:1003@10.0.0.9'),
      to: '1003',
      callerId: '1001',
    });
    expect(actions).toEqual(['hang up CA-callee-1', 'hang up CA-callee-2']);
    expect(side.isRinging('CA-callee-1')).toBe(false);
    expect(ringing.ringing('CA-callee-3')).toBe(side);
    // The canceled legs end unanswered: the caller keeps waiting, for the target now.
    outcomes[0](false);
    outcomes[1](false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(actions).not.toContain('reject caller 480');
    outcomes[2](true);
    await done;
    expect(actions.slice(2)).toEqual(['answer caller', 'bridge CA-caller+CA-callee-3 {"endWhenAlone":true}']);
    expect(ringing.list()).toEqual([]);
  });

  it('refuses to forward a callee that answered (409), and leaves the call as it was', async () => {
    const { actions, outcomes, ringing, start } = scene();
    const { done } = await start();
    const [side] = ringing.list();
    outcomes[0](true);
    await done;
    await expect(side.retarget([phone('sip:1003@10.0.0.9')])).rejects.toMatchObject({ code: 22303 });
    expect(actions).toEqual(['answer caller', 'bridge CA-caller+CA-callee-1 {"endWhenAlone":true}']);
  });

  it('a forward that cannot place its target leaves the callee ringing', async () => {
    const { ringing, start } = scene();
    await start();
    const [side] = ringing.list();
    await expect(side.retarget([])).rejects.toThrow('nothing to ring');
    expect(side.isRinging('CA-callee-1')).toBe(true);
  });

  it('maps an unknown outcome to 480', () => {
    expect(unansweredSipCode(undefined)).toBe(480);
  });
});
