import { AccountsService } from '../apps/platform/src/accounts/accounts.service';
import { unprovisionExtensions } from './support/tenant-extensions';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { Baresip, Linphonec } from './support/softphones';

interface Tenant {
  sid: string;
  token: string;
  domain: string;
}

interface CallView {
  sid: string;
  parent_call_sid: string | null;
  from: string;
  to: string;
  status: string;
  direction: string;
}

interface SessionView {
  id: string;
  calls: Array<{ call_sid: string; caller: string; callee: string; status: string; held: boolean }>;
}

const passwordOf = (tenant: Tenant, number: string) => `secret-${tenant.sid.slice(-6)}-${number}`;
const sids = (session: SessionView) => session.calls.map((call) => call.call_sid).sort();

/**
 * Real softphones registered as PBX extensions (`<number>@<tenant domain>`): what they do themselves
 * (dial an extension, hold, blind REFER, attended REFER with Replaces) shows in the call records and in
 * the PortSIP-style sessions, and stays inside the tenant.
 */
describe('Phones registered as extensions: their calls, hold and transfers, per tenant', () => {
  let platform: RunningPlatform;
  let a: Tenant;
  let b: Tenant;
  let bearer: string;
  /** Tenant A's phones; 1002 and 1003 answer by themselves. */
  let a1001: Baresip;
  let a1002: Baresip;
  let a1003: Baresip;
  const phones: { stop(): Promise<void> }[] = [];

  const get = (tenant: Tenant, path: string) => platform.http().get(path).auth(tenant.sid, tenant.token);

  beforeAll(async () => {
    platform = await startPlatform();
    const other = await platform.app.get(AccountsService).create('Tenant B');
    // Tenant A's 1009 has no phone.
    a = await tenant(platform.accountSid, platform.authToken, ['1001', '1002', '1003', '1009']);
    b = await tenant(other.sid, other.authToken, ['1001', '1002']);
    bearer = (
      await platform
        .http()
        .post('/api/login/oauth/token')
        .type('form')
        .send({ grant_type: 'password', username: a.sid, password: a.token })
        .expect(200)
    ).body.access_token;
    [a1001, a1002, a1003] = await Promise.all([
      baresip(a, '1001', false),
      baresip(a, '1002', true),
      baresip(a, '1003', true),
    ]);
  });

  afterAll(async () => {
    await Promise.all(phones.map((phone) => phone.stop()));
    if (platform) await unprovisionExtensions(platform);
    await platform?.close();
  });

  async function tenant(sid: string, token: string, numbers: string[]): Promise<Tenant> {
    const account = await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${sid}.json`)
      .auth(sid, token)
      .expect(200);
    const created = { sid, token, domain: account.body.sip_domain as string };
    for (const number of numbers)
      await platform
        .http()
        .post(`/restcomm/2012-04-24/Accounts/${sid}/Extensions.json`)
        .auth(sid, token)
        .type('form')
        .send({ ExtensionNumber: number, Password: passwordOf(created, number) })
        .expect(201);
    return created;
  }

  async function baresip(owner: Tenant, number: string, autoAnswer: boolean): Promise<Baresip> {
    const phone = await Baresip.start({
      user: number,
      password: passwordOf(owner, number),
      domain: owner.domain,
      registrar: '127.0.0.1:5060',
      autoAnswer,
    });
    phones.push(phone);
    return phone;
  }

  const callsOf = async (owner: Tenant): Promise<CallView[]> =>
    (await get(owner, `/2010-04-01/Accounts/${owner.sid}/Calls.json?PageSize=100`).expect(200)).body.calls;

  /** The calls of `owner` created after `known` (sids) once `ready` holds for them. */
  async function newCalls(
    owner: Tenant,
    known: Set<string>,
    ready: (calls: CallView[]) => boolean,
    what: string,
  ): Promise<CallView[]> {
    let fresh: CallView[] = [];
    await waitUntil(
      async () => {
        fresh = (await callsOf(owner)).filter((call) => !known.has(call.sid));
        return ready(fresh);
      },
      10000,
      what,
    );
    return fresh;
  }

  const knownCalls = async (owner: Tenant) => new Set((await callsOf(owner)).map((call) => call.sid));

  /** The two legs (caller, and its child) of the one call `owner` placed after `known`, once both talk. */
  async function newCallLegs(owner: Tenant, known: Set<string>, what: string) {
    const legs = await newCalls(
      owner,
      known,
      (calls) => calls.length === 2 && calls.every((call) => call.status === 'in-progress'),
      what,
    );
    const caller = legs.find((call) => call.parent_call_sid === null)!;
    return { caller, callee: legs.find((call) => call.parent_call_sid === caller.sid)! };
  }

  /** `phone` dials `number` of its own tenant; resolves with both legs once they are in progress. */
  async function dial(phone: Baresip, owner: Tenant, number: string) {
    const known = await knownCalls(owner);
    await phone.dial(`sip:${number}@${owner.domain}`);
    return newCallLegs(owner, known, `the call to ${number} in progress`);
  }

  const sessions = async (): Promise<SessionView[]> =>
    (await platform.http().get('/api/sessions').set('Authorization', `Bearer ${bearer}`).expect(200)).body
      .items;
  const session = async (id: string): Promise<SessionView> =>
    (await platform.http().get(`/api/sessions/${id}`).set('Authorization', `Bearer ${bearer}`).expect(200))
      .body;
  const sessionWith = async (callSid: string) =>
    (await sessions()).find((each) => each.calls.some((call) => call.call_sid === callSid));

  const statusOf = async (owner: Tenant, callSid: string) =>
    (await get(owner, `/2010-04-01/Accounts/${owner.sid}/Calls/${callSid}.json`).expect(200)).body.status;
  const waitForCompleted = (owner: Tenant, ...callSids: string[]) =>
    waitUntil(
      async () =>
        (await Promise.all(callSids.map((sid) => statusOf(owner, sid)))).every((s) => s === 'completed'),
      10000,
      `${callSids.join(', ')} completed`,
    );

  it('an extension dials another of its tenant: answered, bridged, both legs recorded, one session', async () => {
    const after = { caller: a1001.events.length, callee: a1002.events.length };
    const { caller, callee } = await dial(a1001, a, '1002');
    await a1002.waitForEvent('CALL_ESTABLISHED', { after: after.callee });
    await a1001.waitForEvent('CALL_ESTABLISHED', { after: after.caller });

    expect(caller).toMatchObject({ direction: 'inbound', from: '1001', to: '1002' });
    expect(callee).toMatchObject({ direction: 'outbound-dial', parent_call_sid: caller.sid });
    const listed = await sessionWith(caller.sid);
    expect(listed && sids(listed)).toEqual([caller.sid, callee.sid].sort());
    expect(sids(await session(listed!.id))).toEqual([caller.sid, callee.sid].sort());

    await a1001.hangup();
    await a1002.waitForEvent('CALL_CLOSED', { after: after.callee });
    await waitForCompleted(a, caller.sid, callee.sid);
    expect(await sessionWith(caller.sid)).toBeUndefined();
  }, 30000);

  it("a phone's own hold shows as its call held in the session; resume clears it", async () => {
    const after = a1002.events.length;
    const { caller, callee } = await dial(a1001, a, '1002');
    await a1002.waitForEvent('CALL_ESTABLISHED', { after });
    const id = (await sessionWith(caller.sid))!.id;
    const heldOf = async (callSid: string) =>
      (await session(id)).calls.find((call) => call.call_sid === callSid)?.held;
    expect([await heldOf(caller.sid), await heldOf(callee.sid)]).toEqual([false, false]);

    await a1001.hold();
    await waitUntil(async () => (await heldOf(caller.sid)) === true, 5000, '1001 held in the session');
    expect(await heldOf(callee.sid)).toBe(false);
    // The phone did it with SIP: its re-INVITE offered a=sendonly.
    expect(
      a1001
        .sipTrace()
        .some((m) => m.direction === 'sent' && /^INVITE /.test(m.text) && /a=sendonly/.test(m.text)),
    ).toBe(true);

    await a1001.resume();
    await waitUntil(async () => (await heldOf(caller.sid)) === false, 5000, '1001 unheld in the session');

    await a1002.hangup();
    await waitForCompleted(a, caller.sid, callee.sid);
  }, 30000);

  it("a phone's blind REFER to an extension rings that extension, bridges it with the other party and releases the phone", async () => {
    const after = { a1001: a1001.events.length, a1002: a1002.events.length, a1003: a1003.events.length };
    const { caller, callee } = await dial(a1001, a, '1002');
    await a1002.waitForEvent('CALL_ESTABLISHED', { after: after.a1002 });
    const before = (await sessionWith(caller.sid))!;
    const known = await knownCalls(a);

    await a1001.transfer(`sip:1003@${a.domain}`);
    await a1003.waitForEvent('CALL_ESTABLISHED', { after: after.a1003 });
    await a1001.waitForEvent('CALL_CLOSED', { after: after.a1001 });
    await waitForCompleted(a, caller.sid);
    const [recipient] = await newCalls(
      a,
      known,
      (calls) => calls.length === 1 && calls[0].status === 'in-progress',
      "1003's leg in progress",
    );

    // Rung at the extension (its phone answered above), not through the trunk: a child of the transfer.
    expect(recipient).toMatchObject({ to: '1003', direction: 'outbound-dial' });
    const moved = await sessionWith(callee.sid);
    expect(moved && sids(moved)).toEqual([callee.sid, recipient.sid].sort());
    expect(moved!.id).toBe(before.id);
    // 1002 never noticed: its call goes on.
    expect(a1002.events.slice(after.a1002).map((event) => event.type)).not.toContain('CALL_CLOSED');

    await a1003.hangup();
    await a1002.waitForEvent('CALL_CLOSED', { after: after.a1002 });
    await waitForCompleted(a, callee.sid, recipient.sid);
  }, 30000);

  it('a blind REFER to an extension without a registered phone is refused (NOTIFY 503), and nothing is dialed', async () => {
    const after = a1001.events.length;
    const { caller, callee } = await dial(a1001, a, '1002');
    const known = await knownCalls(a);

    await a1001.transfer(`sip:1009@${a.domain}`);
    await a1001.waitForSip(
      (m) => m.direction === 'received' && /^NOTIFY /.test(m.text) && /\r?\n\r?\nSIP\/2\.0 503/.test(m.text),
      'the NOTIFY 503',
    );
    await a1001.waitForEvent('TRANSFER_FAILED', { after });
    // No leg for 1009, nor one through the trunk.
    expect((await callsOf(a)).filter((call) => !known.has(call.sid))).toEqual([]);

    // baresip 1.0.0 ends its call when a transfer fails (ua.c: CALL_EVENT_TRANSFER_FAILED derefs the call).
    await waitForCompleted(a, caller.sid, callee.sid);
  }, 30000);

  it("the same extension number in two tenants reaches only its own tenant's phone", async () => {
    const [b1001, b1002] = await Promise.all([baresip(b, '1001', false), baresip(b, '1002', true)]);
    for (const [owner, caller, own, foreign] of [
      [a, a1001, a1002, b1002],
      [b, b1001, b1002, a1002],
    ] as const) {
      const after = { own: own.events.length, foreign: foreign.events.length };
      const legs = await dial(caller, owner, '1002');
      await own.waitForEvent('CALL_ESTABLISHED', { after: after.own });
      expect(foreign.events.slice(after.foreign)).toEqual([]);
      await caller.hangup();
      await own.waitForEvent('CALL_CLOSED', { after: after.own });
      await waitForCompleted(owner, legs.caller.sid, legs.callee.sid);
    }
    // Each tenant's records hold only its own calls.
    const callsB = new Set((await callsOf(b)).map((call) => call.sid));
    expect(callsB.size).toBe(2);
    expect((await callsOf(a)).filter((call) => callsB.has(call.sid))).toEqual([]);
  }, 30000);

  it("linphonec's attended REFER (Replaces) connects its two peers and drops both of its calls", async () => {
    // linphonec takes 1001's place: one phone per extension.
    await a1001.stop();
    const phone = await Linphonec.start({
      user: '1001',
      password: passwordOf(a, '1001'),
      domain: a.domain,
      registrar: '127.0.0.1:5060',
    });
    phones.push(phone);
    const after = { a1002: a1002.events.length, a1003: a1003.events.length };

    let known = await knownCalls(a);
    const firstId = await phone.call(`sip:1002@${a.domain}`);
    const first = await newCallLegs(a, known, 'the call to 1002 in progress');
    await a1002.waitForEvent('CALL_ESTABLISHED', { after: after.a1002 });
    // As a desk phone does before consulting: the first call on hold.
    phone.pause(firstId);
    await waitUntil(
      async () =>
        (await sessionWith(first.caller.sid))?.calls.find((c) => c.call_sid === first.caller.sid)?.held ===
        true,
      5000,
      'the first call held',
    );

    known = await knownCalls(a);
    const secondId = await phone.call(`sip:1003@${a.domain}`);
    const second = await newCallLegs(a, known, 'the call to 1003 in progress');
    await a1003.waitForEvent('CALL_ESTABLISHED', { after: after.a1003 });

    const from = phone.log.length;
    phone.transferToCall(firstId, secondId);
    await waitForCompleted(a, first.caller.sid, second.caller.sid);
    await phone.waitForOutput(new RegExp(`Call ${firstId} [^\\n]* ended`), from);
    await phone.waitForOutput(new RegExp(`Call ${secondId} [^\\n]* ended`), from);

    const merged = await sessionWith(first.callee.sid);
    expect(merged && sids(merged)).toEqual([first.callee.sid, second.callee.sid].sort());
    // The REFER named the consultation call (Replaces), and neither peer's call was interrupted.
    expect(phone.debugLog).toMatch(/Refer-To: [^\n]*Replaces=/i);
    for (const [peer, from] of [
      [a1002, after.a1002],
      [a1003, after.a1003],
    ] as const)
      expect(peer.events.slice(from).map((event) => event.type)).not.toContain('CALL_CLOSED');

    await a1002.hangup();
    await a1003.waitForEvent('CALL_CLOSED', { after: after.a1003 });
    await waitForCompleted(a, first.callee.sid, second.callee.sid);
  }, 30000);
});
