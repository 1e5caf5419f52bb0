import { AccountsService } from '../apps/platform/src/accounts/accounts.service';
import { unprovisionExtensions } from './support/tenant-extensions';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { HttpRecorder } from './support/http-recorder';
import { callFromExtension } from './support/sip-extension-call';
import { startUas } from './support/sipp';
import { freeUdpPort, SIPP_REGISTER_USER_AGENT, sipRegister } from './support/sip-register';

interface Tenant {
  sid: string;
  token: string;
}

describe('Extensions: tenants, SIP domains and registration', () => {
  let platform: RunningPlatform;
  let tenantA: Tenant;
  let tenantB: Tenant;
  const restcomm = (tenant: Tenant, suffix = '') =>
    `/restcomm/2012-04-24/Accounts/${tenant.sid}/Extensions${suffix}.json`;
  const twilio = (tenant: Tenant, suffix = '') =>
    `/2010-04-01/Accounts/${tenant.sid}/Extensions${suffix}.json`;
  const post = (tenant: Tenant, path: string, fields: Record<string, string>) =>
    platform.http().post(path).auth(tenant.sid, tenant.token).type('form').send(fields);
  const get = (tenant: Tenant, path: string) => platform.http().get(path).auth(tenant.sid, tenant.token);

  beforeAll(async () => {
    platform = await startPlatform();
    tenantA = { sid: platform.accountSid, token: platform.authToken };
    const other = await platform.app.get(AccountsService).create('Tenant B');
    tenantB = { sid: other.sid, token: other.authToken };
  });

  afterAll(async () => {
    if (platform) await unprovisionExtensions(platform);
    await platform?.close();
  });

  it('gives each account a default SIP domain, settable (unique) through both Accounts APIs', async () => {
    const account = await get(tenantB, `/restcomm/2012-04-24/Accounts/${tenantB.sid}.json`).expect(200);
    expect(account.body.sip_domain).toBe(`${tenantB.sid.toLowerCase()}.callwright.local`);

    const domain = `b-${Date.now()}.pbx.example`;
    const set = await post(tenantB, `/2010-04-01/Accounts/${tenantB.sid}.json`, {
      SipDomain: domain.toUpperCase(),
    });
    expect(set.status).toBe(200);
    expect(set.body.sip_domain).toBe(domain);

    const taken = await post(tenantA, `/restcomm/2012-04-24/Accounts/${tenantA.sid}.json`, {
      SipDomain: domain,
    });
    expect(taken.status).toBe(400);
    expect(taken.body.message).toBe(`The SipDomain ${domain} is not available`);
    const othersDefault = `${tenantB.sid.toLowerCase()}.callwright.local`;
    expect(
      (await post(tenantA, `/restcomm/2012-04-24/Accounts/${tenantA.sid}.json`, { SipDomain: othersDefault }))
        .status,
    ).toBe(400);
    expect(
      (
        await post(tenantA, `/restcomm/2012-04-24/Accounts/${tenantA.sid}.json`, {
          SipDomain: 'not a domain',
        })
      ).status,
    ).toBe(400);
  });

  it('creates, lists, updates and deletes extensions in RestComm and Twilio shapes, never returning the password', async () => {
    const created = await post(tenantA, restcomm(tenantA), {
      ExtensionNumber: '2001',
      Password: 'ext-secret-2001',
      DisplayName: 'Front desk',
      OutboundCallerId: '+15550002001',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      extension_number: '2001',
      display_name: 'Front desk',
      outbound_caller_id: '+15550002001',
      enabled: true,
      sip_uri: `sip:2001@${tenantA.sid.toLowerCase()}.callwright.local`,
      registrations: [],
    });
    expect(JSON.stringify(created.body)).not.toContain('ext-secret-2001');

    const duplicate = await post(tenantA, restcomm(tenantA), {
      ExtensionNumber: '2001',
      Password: 'another-secret',
    });
    expect(duplicate.status).toBe(400);
    expect(
      (await post(tenantA, restcomm(tenantA), { ExtensionNumber: '1', Password: 'short-number' })).status,
    ).toBe(400);
    expect(
      (await post(tenantA, restcomm(tenantA), { ExtensionNumber: '2002', Password: 'short' })).status,
    ).toBe(400);

    const listed = await get(tenantA, twilio(tenantA)).expect(200);
    expect(listed.body.extensions.map((e: { sid: string }) => e.sid)).toContain(created.body.sid);
    expect((await get(tenantB, twilio(tenantB, `/${created.body.sid}`))).status).toBe(404);

    const updated = await post(tenantA, twilio(tenantA, `/${created.body.sid}`), { DisplayName: 'Lobby' });
    expect(updated.status).toBe(200);
    expect(updated.body.display_name).toBe('Lobby');

    await platform
      .http()
      .delete(restcomm(tenantA, `/${created.body.sid}`))
      .auth(tenantA.sid, tenantA.token)
      .expect(204);
    expect((await get(tenantA, restcomm(tenantA, `/${created.body.sid}`))).status).toBe(404);
  });

  it('keeps the same extension number of two tenants apart: each registers only in its own domain', async () => {
    const a = await post(tenantA, restcomm(tenantA), {
      ExtensionNumber: '1001',
      Password: 'tenant-a-secret',
    });
    const b = await post(tenantB, restcomm(tenantB), {
      ExtensionNumber: '1001',
      Password: 'tenant-b-secret',
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    const domainA = a.body.sip_domain as string;
    const domainB = b.body.sip_domain as string;
    expect(domainA).not.toBe(domainB);

    // Tenant A's password does not open tenant B's 1001.
    const crossed = await sipRegister({ login: '1001', password: 'tenant-a-secret', domain: domainB });
    expect(crossed.code).not.toBe(200);
    const registered = await sipRegister({ login: '1001', password: 'tenant-a-secret', domain: domainA });
    expect(registered.code).toBe(200);

    const fetchedA = await get(tenantA, restcomm(tenantA, `/${a.body.sid}`)).expect(200);
    const fetchedB = await get(tenantB, restcomm(tenantB, `/${b.body.sid}`)).expect(200);
    expect(fetchedA.body.registrations).toEqual([
      {
        contact: registered.contact,
        user_agent: SIPP_REGISTER_USER_AGENT,
        expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        via_address: '127.0.0.1',
        via_port: registered.port,
      },
    ]);
    // SIPp asked for 300 s; Asterisk keeps whole seconds.
    const secondsLeft = (Date.parse(fetchedA.body.registrations[0].expires_at) - Date.now()) / 1000;
    expect(secondsLeft).toBeGreaterThan(290);
    expect(secondsLeft).toBeLessThanOrEqual(300);
    expect(fetchedB.body.registrations).toEqual([]);

    const unregistered = await sipRegister({
      login: '1001',
      password: 'tenant-a-secret',
      domain: domainA,
      expiresSeconds: 0,
      localPort: registered.port,
    });
    expect(unregistered.code).toBe(200);
    expect((await get(tenantA, restcomm(tenantA, `/${a.body.sid}`))).body.registrations).toEqual([]);
  });

  it('moves the extensions to a new SIP domain when the account changes it', async () => {
    const created = await post(tenantA, restcomm(tenantA), {
      ExtensionNumber: '3001',
      Password: 'moving-secret',
    });
    const oldDomain = created.body.sip_domain as string;
    const newDomain = `a-${Date.now()}.pbx.example`;
    await post(tenantA, `/restcomm/2012-04-24/Accounts/${tenantA.sid}.json`, { SipDomain: newDomain }).expect(
      200,
    );

    expect(
      (await sipRegister({ login: '3001', password: 'moving-secret', domain: oldDomain })).code,
    ).not.toBe(200);
    const moved = await sipRegister({ login: '3001', password: 'moving-secret', domain: newDomain });
    expect(moved.code).toBe(200);
    await sipRegister({
      login: '3001',
      password: 'moving-secret',
      domain: newDomain,
      expiresSeconds: 0,
      localPort: moved.port,
    });
    await post(tenantA, `/restcomm/2012-04-24/Accounts/${tenantA.sid}.json`, { SipDomain: '' }).expect(200);
  });

  describe('calls dialed from extensions', () => {
    interface CallView {
      sid: string;
      parent_call_sid: string | null;
      from: string;
      to: string;
      status: string;
      direction: string;
    }
    const callsOf = async (tenant: Tenant): Promise<CallView[]> =>
      (await get(tenant, `/2010-04-01/Accounts/${tenant.sid}/Calls.json?PageSize=100`).expect(200)).body
        .calls;
    const domainOf = async (tenant: Tenant): Promise<string> =>
      (await get(tenant, `/restcomm/2012-04-24/Accounts/${tenant.sid}.json`).expect(200)).body.sip_domain;

    it("bridges an extension's call to a registered extension of its tenant, never to another tenant's", async () => {
      for (const number of ['1101', '1102'])
        await post(tenantA, restcomm(tenantA), {
          ExtensionNumber: number,
          Password: `secret-a-${number}`,
        }).expect(201);
      for (const number of ['1101', '1102'])
        await post(tenantB, restcomm(tenantB), {
          ExtensionNumber: number,
          Password: `secret-b-${number}`,
        }).expect(201);
      const [domainA, domainB] = [await domainOf(tenantA), await domainOf(tenantB)];

      // Tenant A's 1102 is a phone (SIPp) registered from the port it answers on.
      const port = await freeUdpPort();
      expect(
        (await sipRegister({ login: '1102', password: 'secret-a-1102', domain: domainA, localPort: port }))
          .code,
      ).toBe(200);
      const phone = await startUas({ scenario: 'answer', port });
      try {
        // Tenant B's 1102 has no phone: its caller hears 480, and tenant A's phone never rings.
        const other = await callFromExtension({
          extension: '1101',
          password: 'secret-b-1101',
          domain: domainB,
          to: '1102',
        });
        expect(other.code).toBe(480);

        const answered = await callFromExtension({
          extension: '1101',
          password: 'secret-a-1101',
          domain: domainA,
          to: '1102',
          talkMs: 1500,
        });
        expect(answered.code).toBe(200);
        const received = await phone.received;
        expect(received.invites).toHaveLength(1);
        expect(received.exitCode).toBe(0);
      } finally {
        await phone.stop();
      }

      let calls: CallView[] = [];
      await waitUntil(
        async () => {
          calls = await callsOf(tenantA);
          return calls.length >= 2 && calls.every((c) => c.status === 'completed');
        },
        10000,
        'both legs completed',
      );
      const parent = calls.find((c) => c.direction === 'inbound' && c.to === '1102')!;
      expect(parent).toMatchObject({ from: '1101', status: 'completed', parent_call_sid: null });
      const child = calls.find((c) => c.parent_call_sid === parent.sid)!;
      expect(child).toMatchObject({ direction: 'outbound-dial', status: 'completed', from: '1101' });
      // Tenant B's refused call left no record in tenant A.
      expect(calls).toHaveLength(2);
    });

    it('gives the caller 480 for an extension of its tenant without a registered phone', async () => {
      await post(tenantA, restcomm(tenantA), { ExtensionNumber: '1201', Password: 'secret-a-1201' }).expect(
        201,
      );
      await post(tenantA, restcomm(tenantA), { ExtensionNumber: '1202', Password: 'secret-a-1202' }).expect(
        201,
      );
      const result = await callFromExtension({
        extension: '1201',
        password: 'secret-a-1201',
        domain: await domainOf(tenantA),
        to: '1202',
      });
      expect(result.code).toBe(480);
    });

    it('gives the caller 486 when the called phone is busy', async () => {
      await post(tenantA, restcomm(tenantA), { ExtensionNumber: '1301', Password: 'secret-a-1301' }).expect(
        201,
      );
      await post(tenantA, restcomm(tenantA), { ExtensionNumber: '1302', Password: 'secret-a-1302' }).expect(
        201,
      );
      const domain = await domainOf(tenantA);
      const port = await freeUdpPort();
      expect(
        (await sipRegister({ login: '1302', password: 'secret-a-1302', domain, localPort: port })).code,
      ).toBe(200);
      const phone = await startUas({ scenario: 'reject', responseCode: 486, port });
      try {
        const result = await callFromExtension({
          extension: '1301',
          password: 'secret-a-1301',
          domain,
          to: '1302',
        });
        expect(result.code).toBe(486);
        expect((await phone.received).invites).toHaveLength(1);
      } finally {
        await phone.stop();
      }
    });

    it("runs the RCML of its tenant's IncomingPhoneNumber when an extension dials it", async () => {
      const appServer = await new HttpRecorder().start();
      try {
        const number = `+1555444${String(Date.now() % 10000).padStart(4, '0')}`;
        const voiceUrl = appServer.rcml('/pbx-voice.xml', '<Response><Pause length="5"/></Response>');
        await platform
          .http()
          .post(`/restcomm/2012-04-24/Accounts/${tenantA.sid}/IncomingPhoneNumbers.json`)
          .auth(tenantA.sid, tenantA.token)
          .type('form')
          .send({ PhoneNumber: number, VoiceUrl: voiceUrl })
          .expect(201);
        await post(tenantA, restcomm(tenantA), { ExtensionNumber: '1401', Password: 'secret-a-1401' }).expect(
          201,
        );

        const result = await callFromExtension({
          extension: '1401',
          password: 'secret-a-1401',
          domain: await domainOf(tenantA),
          to: number,
        });
        expect(result.code).toBe(200);
        const fetched = await appServer.waitFor((request) => request.path === '/pbx-voice.xml');
        expect(fetched.body).toMatchObject({
          AccountSid: tenantA.sid,
          From: '1401',
          To: number,
          Direction: 'inbound',
        });
      } finally {
        await appServer.stop();
      }
    });

    it("sends any other number out through the trunk with the extension's outbound caller id", async () => {
      await post(tenantA, restcomm(tenantA), {
        ExtensionNumber: '1501',
        Password: 'secret-a-1501',
        OutboundCallerId: '+15550009999',
      }).expect(201);
      const dialed = '+15559990001';
      const result = await callFromExtension({
        extension: '1501',
        password: 'secret-a-1501',
        domain: await domainOf(tenantA),
        to: dialed,
        talkMs: 1500,
      });
      // The simulated far end behind the trunk answers every number.
      expect(result.code).toBe(200);
      let legs: CallView[] = [];
      await waitUntil(
        async () => {
          const calls = await callsOf(tenantA);
          const parent = calls.find((c) => c.direction === 'inbound' && c.to === dialed);
          legs = parent ? [parent, ...calls.filter((c) => c.parent_call_sid === parent.sid)] : [];
          return legs.length === 2 && legs.every((c) => c.status === 'completed');
        },
        10000,
        'both trunk call legs completed',
      );
      expect(legs[0]).toMatchObject({ from: '1501', to: dialed });
      expect(legs[1]).toMatchObject({ direction: 'outbound-dial', from: '+15550009999', to: dialed });
    });
  });
});
