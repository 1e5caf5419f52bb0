import type { ConversationRegistry } from '../conversations/conversation-registry';
import type { CallLeg } from '../legs/call-leg';
import { CallStatus } from '../legs/call-status';
import type { LegDirectory } from '../ports/leg-directory.port';
import type { LegPlacer, PlaceLegRequest } from '../ports/leg-placer.port';
import { connectInbound, unansweredSipCode } from './inbound-connection';

/** What connectInbound does to the legs, in order. */
function scene(outcome: { answered: boolean; status?: CallStatus; callerHangsUpFirst?: boolean }) {
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
  const callee = {
    callSid: 'CA-callee',
    hangup: async (by?: string) => void actions.push(`hang up callee${by ? ` (${by})` : ''}`),
  };
  const placed: PlaceLegRequest[] = [];
  let answer!: (yes: boolean) => void;
  const placer: LegPlacer = {
    placeLeg: async (request: PlaceLegRequest) => {
      placed.push(request);
      return {
        member: callee as never,
        answered: new Promise<boolean>((resolve) => (answer = resolve)),
        status: () => outcome.status ?? CallStatus.InProgress,
      };
    },
  };
  const conversations = {
    create: (options: unknown) => ({
      start: async (members: { callSid?: string; snapshot?: { sid: string } }[]) =>
        void actions.push(
          `bridge ${members.map((m) => m.callSid ?? m.snapshot?.sid).join('+')} ${JSON.stringify(options)}`,
        ),
    }),
  } as unknown as ConversationRegistry;
  const directory = { find: () => callee } as unknown as LegDirectory;
  const target = {
    target: { kind: 'sip-user' as const, dialString: 'PJSIP/1002@acme' },
    callerId: '1001',
    timeoutSeconds: 30,
  };
  const run = async () => {
    const done = connectInbound(caller, target, { placer, conversations, directory });
    await new Promise((resolve) => setImmediate(resolve));
    if (outcome.callerHangsUpFirst) callerGone.abort();
    answer(outcome.answered);
    await done;
  };
  return { actions, placed, run };
}

describe('connectInbound', () => {
  it('places the callee as a child leg of the caller, and answers and bridges the caller once it answers', async () => {
    const { actions, placed, run } = scene({ answered: true });
    await run();
    expect(placed).toEqual([
      {
        forCallSid: 'CA-caller',
        accountSid: 'AC1',
        target: { kind: 'sip-user', dialString: 'PJSIP/1002@acme' },
        callerId: '1001',
        timeoutSeconds: 30,
      },
    ]);
    expect(actions).toEqual(['answer caller', 'bridge CA-caller+CA-callee {"endWhenAlone":true}']);
  });

  it.each([
    [CallStatus.Busy, 486],
    [CallStatus.NoAnswer, 408],
    [CallStatus.Failed, 480],
  ])('refuses the unanswered caller with the SIP code of a callee that ended %s', async (status, code) => {
    const { actions, run } = scene({ answered: false, status });
    await run();
    expect(actions).toEqual([`reject caller ${code}`]);
  });

  it('cancels the ringing callee when the caller gives up, and answers no one', async () => {
    const { actions, run } = scene({
      answered: false,
      status: CallStatus.Canceled,
      callerHangsUpFirst: true,
    });
    await run();
    expect(actions).toEqual(['hang up callee (cancel)']);
  });

  it('maps an unknown outcome to 480', () => {
    expect(unansweredSipCode(undefined)).toBe(480);
  });
});
