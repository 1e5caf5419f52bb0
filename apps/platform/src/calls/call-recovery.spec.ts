import type { TelephonyGateway, TelephonyInventory } from '../telephony/telephony-gateway.port';
import type { CallEntity } from '../call-control/legs/call.entity';
import { CallRecovery } from './call-recovery';
import { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import { CallEventBus } from '../call-control/events/call-event-bus';
import type { CallRecords } from '../call-control/legs/call-records';
import type { LegHangup } from '../call-control/ports/leg-hangup.port';
import type { RcmlProgram } from '../rcml/rcml-program';
import { CallDirection, CallStatus } from '../call-control/legs/call-status';

/** Stands in for an RCML program and its leg (one object plays both): records what recovery asks of it. */
class SessionDouble {
  readonly calls: string[] = [];
  lostAt: Date | null = null;
  lostMessage = '';
  redirected: (() => Promise<void>) | null = null;
  private resolve!: () => void;
  readonly finished = new Promise<void>((resolve) => (this.resolve = resolve));
  constructor(readonly snapshot: CallEntity) {}
  get leg() {
    return this;
  }
  private readonly lifetime = new AbortController();
  get callSid() {
    return this.snapshot.sid;
  }
  get accountSid() {
    return this.snapshot.accountSid;
  }
  get ended() {
    return this.lifetime.signal;
  }
  get sid() {
    return this.snapshot.sid;
  }
  get channelId() {
    return this.snapshot.channelId!;
  }
  readopt(release?: () => Promise<void>) {
    this.calls.push('readopt');
    this.redirected = release ?? null;
    return new AbortController().signal;
  }
  async hangup(by: string) {
    this.calls.push(`end:${by}`);
    this.lifetime.abort();
    this.resolve();
  }
  async closeLost(endTime: Date, message: string) {
    this.lostAt = endTime;
    this.lostMessage = message;
    this.resolve();
  }
  detach() {
    this.calls.push('detach');
  }
  async shutdown() {
    this.calls.push('shutdown');
  }
  connectedLegTarget() {
    return null;
  }
  hangUpRemotely() {
    this.lifetime.abort();
    this.resolve();
  }
}

function record(overrides: Partial<CallEntity>): CallEntity {
  return {
    sid: 'CA-' + Math.random().toString(36).slice(2),
    accountSid: 'AC1',
    parentCallSid: null,
    status: CallStatus.InProgress,
    direction: CallDirection.OutboundApi,
    channelId: null,
    answerTime: new Date('2026-12-01T10:00:00Z'),
    lastSeen: new Date('2026-12-01T10:01:00Z'),
    dateCreated: new Date('2026-12-01T09:59:59Z'),
    ...overrides,
  } as CallEntity;
}

/** The core's conversations over the gateway double: re-adopted Dial conversations become theirs. */
function core(gateway: TelephonyGateway) {
  const events = new CallEventBus();
  const hangups = { hangUp: async () => undefined } as unknown as LegHangup;
  return { conversations: new ConversationRegistry(gateway, events, hangups), events };
}

function setup(
  records: CallEntity[],
  inventory: TelephonyInventory,
  noted: Record<string, Date> = {},
  later: TelephonyInventory = inventory,
) {
  let listed = 0;
  const sessions = new Map<string, SessionDouble>();
  const gateway = {
    hungUp: [] as string[],
    removed: [] as string[],
    inventory: async () => (listed++ === 0 ? inventory : later),
    hangup: async (channelId: string) => void gateway.hungUp.push(channelId),
    hangupTime: async (channelId: string) => noted[channelId] ?? null,
    resumeChannel: async () => undefined,
    removeFromBridge: async (_bridge: string, channelId: string) => void gateway.removed.push(channelId),
    destroyBridge: async () => undefined,
    released: false,
    release: () => void (gateway.released = true),
    // Two nodes: this one holds ast1 (and the calls never placed), another node holds ast2.
    ownsServer: (server: string | null) => server !== 'ast2',
    onServerTakenOver: () => undefined,
  };
  const repository = { findLive: async () => records } as unknown as CallRecords;
  const coreOf = core(gateway as unknown as TelephonyGateway);
  const recovery = new CallRecovery(
    repository,
    gateway as unknown as TelephonyGateway,
    {
      owns: (sid) => sid === 'CA-ours',
      sessionFor: async (call) => {
        const session = new SessionDouble(call);
        sessions.set(call.sid, session);
        return session as unknown as RcmlProgram;
      },
      liveCallSids: () => [],
      queuedOnLiveNode: async (call) => call.queuedBy === 'node-alive',
    },
    coreOf,
  );
  return { recovery, gateway, sessions, core: coreOf };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('CallRecovery', () => {
  it('re-adopts answered calls whose channel Asterisk still holds and leaves this process’s own calls alone', async () => {
    const kept = record({ channelId: 'ch-1' });
    const ours = record({ sid: 'CA-ours', channelId: 'ch-2' });
    const { recovery, sessions } = setup([kept, ours], {
      channelIds: new Set(['ch-1', 'ch-2']),
      bridges: [],
    });
    await recovery.recover();
    expect(sessions.get(kept.sid)!.calls).toEqual(['readopt']);
    expect(sessions.has('CA-ours')).toBe(false);
  });

  it('leaves the calls of a server another node holds to it, and takes them when that node dies', async () => {
    const mine = record({ channelId: 'ch-1', asteriskServer: 'ast1' });
    const theirs = record({ channelId: 'ch-2', asteriskServer: 'ast2' });
    const recent = record({
      channelId: 'ch-3',
      asteriskServer: 'ast2',
      dateCreated: new Date(Date.now() + 1000),
    });
    const { recovery, sessions } = setup([mine, theirs, recent], {
      channelIds: new Set(['ch-1', 'ch-2', 'ch-3']),
      bridges: [],
    });
    await recovery.recover();
    expect(sessions.get(mine.sid)!.calls).toEqual(['readopt']);
    expect(sessions.has(theirs.sid)).toBe(false);
    expect(sessions.has(recent.sid)).toBe(false);
    sessions.clear();
    // Taken over: every live call of ast2, however recent; none of another server's.
    await recovery.recoverServer('ast2');
    expect(sessions.get(theirs.sid)!.calls).toEqual(['readopt']);
    expect(sessions.get(recent.sid)!.calls).toEqual(['readopt']);
    expect(sessions.has(mine.sid)).toBe(false);
  });

  it('closes the queued calls a dead node left, never those still waiting on a live node', async () => {
    const queued = { status: CallStatus.Queued, answerTime: null, asteriskServer: null };
    const orphan = record({ ...queued, queuedBy: 'node-dead' });
    const waiting = record({ ...queued, queuedBy: 'node-alive' });
    const single = record({ ...queued, queuedBy: null });
    const { recovery, sessions } = setup([orphan, waiting, single], { channelIds: new Set(), bridges: [] });
    await recovery.recoverServer('ast2');
    expect(sessions.get(orphan.sid)!.lostMessage).toMatch(/never dialed/);
    expect(sessions.get(single.sid)!.lostMessage).not.toBe('');
    expect(sessions.has(waiting.sid)).toBe(false);
  });

  it('leaves calls stored after this process started to this process', async () => {
    const fresh = record({ channelId: 'ch-1', dateCreated: new Date(Date.now() + 1000) });
    const { recovery, sessions } = setup([fresh], { channelIds: new Set(), bridges: [] });
    await recovery.recover();
    expect(sessions.has(fresh.sid)).toBe(false);
  });

  it('closes a call whose channel is gone at the end time Asterisk noted, else at the last heartbeat', async () => {
    const noted = record({ channelId: 'ch-noted' });
    const unnoted = record({ channelId: 'ch-unnoted' });
    const endedAt = new Date('2026-12-01T10:02:00Z');
    const { recovery, sessions } = setup(
      [noted, unnoted],
      { channelIds: new Set(), bridges: [] },
      { 'ch-noted': endedAt },
    );
    await recovery.recover();
    expect(sessions.get(noted.sid)!.lostAt).toEqual(endedAt);
    expect(sessions.get(noted.sid)!.lostMessage).toMatch(/Asterisk noted/);
    expect(sessions.get(unnoted.sid)!.lostAt).toEqual(unnoted.lastSeen);
    expect(sessions.get(unnoted.sid)!.lostMessage).toMatch(/last time the platform saw it/);
  });

  it('never ends a call before it was answered', async () => {
    const call = record({ channelId: 'ch-1', lastSeen: null, answerTime: new Date(Date.now() + 60_000) });
    const { recovery, sessions } = setup([call], { channelIds: new Set(), bridges: [] });
    await recovery.recover();
    expect(sessions.get(call.sid)!.lostAt).toEqual(call.answerTime);
  });

  it('closes a re-adopted call whose channel ended while recovery was under way', async () => {
    const call = record({ channelId: 'ch-1' });
    const endedAt = new Date('2026-12-01T10:03:00Z');
    const { recovery, sessions } = setup(
      [call],
      { channelIds: new Set(['ch-1']), bridges: [] },
      { 'ch-1': endedAt },
      { channelIds: new Set(), bridges: [] },
    );
    await recovery.recover();
    expect(sessions.get(call.sid)!.calls).toEqual(['readopt']);
    expect(sessions.get(call.sid)!.lostAt).toEqual(endedAt);
  });

  it('hangs up and closes a call that was still being set up', async () => {
    const ringing = record({ status: CallStatus.Ringing, channelId: 'ch-1', answerTime: null });
    const { recovery, gateway, sessions } = setup([ringing], { channelIds: new Set(['ch-1']), bridges: [] });
    await recovery.recover();
    expect(gateway.hungUp).toEqual(['ch-1']);
    expect(sessions.get(ringing.sid)!.lostMessage).toMatch(/being set up/);
  });

  describe('a Dial conversation still bridged', () => {
    const parent = record({ sid: 'CA-parent', channelId: 'ch-p' });
    const child = record({
      sid: 'CA-child',
      channelId: 'ch-c',
      parentCallSid: 'CA-parent',
      direction: CallDirection.OutboundDial,
    });
    const inventory = {
      channelIds: new Set(['ch-p', 'ch-c']),
      bridges: [{ bridgeId: 'cw-bridge-1', channelIds: ['ch-p', 'ch-c'] }],
    };

    it('is a conversation of the core again, with both parties connected, without touching the bridge', async () => {
      const { recovery, gateway, sessions, core } = setup([parent, child], inventory);
      await recovery.recover();
      for (let i = 0; i < 5; i++) await flush();
      const conversation = core.conversations.conversationOf('CA-child')!;
      expect(conversation.bridgeId).toBe('cw-bridge-1');
      expect(conversation.partyList().map((party) => [party.callSid, party.status])).toEqual([
        ['CA-parent', 'connected'],
        ['CA-child', 'connected'],
      ]);
      expect(gateway.removed).toEqual([]);
      expect(sessions.get('CA-parent')!.calls).toEqual(['readopt']);
    });

    it('ends the callee when the caller hangs up', async () => {
      const { recovery, sessions } = setup([parent, child], inventory);
      await recovery.recover();
      sessions.get('CA-parent')!.hangUpRemotely();
      await flush();
      expect(sessions.get('CA-child')!.calls).toEqual(['readopt', 'end:platform']);
      expect(sessions.get('CA-parent')!.calls).toEqual(['readopt']);
    });

    it('ends the caller when the callee hangs up', async () => {
      const { recovery, sessions } = setup([parent, child], inventory);
      await recovery.recover();
      sessions.get('CA-child')!.hangUpRemotely();
      await flush();
      expect(sessions.get('CA-parent')!.calls).toEqual(['readopt', 'end:platform']);
    });

    it('takes a redirected caller out of the bridge and ends the callee', async () => {
      const { recovery, gateway, sessions } = setup([parent, child], inventory);
      await recovery.recover();
      await sessions.get('CA-parent')!.redirected!();
      expect(gateway.removed).toEqual(['ch-p']);
      expect(sessions.get('CA-child')!.calls).toEqual(['readopt', 'end:platform']);
      expect(sessions.get('CA-parent')!.calls).toEqual(['readopt']);
    });

    it('ends a caller left alone in its Dial bridge', async () => {
      const { recovery, sessions } = setup([parent], {
        channelIds: new Set(['ch-p']),
        bridges: [{ bridgeId: 'cw-bridge-1', channelIds: ['ch-p'] }],
      });
      await recovery.recover();
      expect(sessions.get('CA-parent')!.calls).toEqual(['readopt', 'end:platform']);
    });
  });

  describe('at shutdown', () => {
    const live = () => {
      const session = new SessionDouble(record({ channelId: 'ch-1' }));
      return { session, list: () => [session as unknown as RcmlProgram] };
    };

    it('leaves live calls up for the next process and sends Asterisk nothing more', async () => {
      const { recovery, gateway } = setup([], { channelIds: new Set(), bridges: [] });
      const { session, list } = live();
      await recovery.stop(list, { drainOnStop: false, drainTimeoutSeconds: 30 });
      expect(gateway.released).toBe(true);
      expect(session.calls).toEqual(['detach']);
    });

    it('with DRAIN_ON_STOP waits for live calls, then hangs up those left', async () => {
      const { recovery, gateway } = setup([], { channelIds: new Set(), bridges: [] });
      const { session, list } = live();
      const started = Date.now();
      await recovery.stop(list, { drainOnStop: true, drainTimeoutSeconds: 1 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(gateway.released).toBe(false);
      expect(session.calls[0]).toBe('end:platform');
    });

    it('with DRAIN_ON_STOP returns as soon as the live calls have ended', async () => {
      const { recovery } = setup([], { channelIds: new Set(), bridges: [] });
      const { session, list } = live();
      setTimeout(() => session.hangUpRemotely(), 50);
      const started = Date.now();
      await recovery.stop(list, { drainOnStop: true, drainTimeoutSeconds: 30 });
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });
});
