import { SipUserDirectory } from '../apps/platform/src/telephony/sip-user-directory.port';
import { RunningPlatform, startPlatform } from './support/platform';
import { SIPP_REGISTER_USER_AGENT, sipRegister } from './support/sip-register';
import { Baresip } from './support/softphones';

interface Registration {
  contact: string;
  user_agent: string | null;
  expires_at: string | null;
  via_address: string | null;
  via_port: number | null;
}

/** Seconds from now until the registration lapses. */
const secondsLeft = (registration: Registration) =>
  (Date.parse(registration.expires_at ?? '') - Date.now()) / 1000;

/**
 * Several phones registered as one extension (a SIPp "desk phone" and a baresip softphone), as the
 * Extensions resource shows them: contact, user agent, expiry and Via address of each.
 */
describe('Extension registrations', () => {
  let platform: RunningPlatform;
  const endpoints: string[] = [];
  const extensions = (suffix = '', api: 'restcomm' | 'twilio' = 'restcomm', format = '.json') =>
    (api === 'restcomm' ? '/restcomm/2012-04-24' : '/2010-04-01') +
    `/Accounts/${platform.accountSid}/Extensions${suffix}${format}`;
  const get = (path: string) => platform.http().get(path).auth(platform.accountSid, platform.authToken);
  const registrationsOf = async (sid: string): Promise<Registration[]> =>
    (await get(extensions(`/${sid}`)).expect(200)).body.registrations;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    // Asterisk outlives the test database: take this run's SIP users off it.
    if (platform) for (const id of endpoints) await platform.app.get(SipUserDirectory).remove(id);
    await platform?.close();
  });

  it('shows every phone registered as one extension, each with its user agent and expiry; a sixth drops the one expiring soonest', async () => {
    const password = 'two-phones-1601';
    const created = await platform
      .http()
      .post(extensions())
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ ExtensionNumber: '1601', Password: password })
      .expect(201);
    const domain = created.body.sip_domain as string;
    endpoints.push(`1601@${domain}`);
    // The desk phone asks for the shortest registration, so it is the one a sixth phone drops.
    const desk = await sipRegister({ login: '1601', password, domain, expiresSeconds: 120 });
    expect(desk.code).toBe(200);
    const softphone = await Baresip.start({ user: '1601', password, domain, registrar: '127.0.0.1:5060' });
    try {
      const registrations = await registrationsOf(created.body.sid);
      expect(registrations).toHaveLength(2);
      const deskSeen = registrations.find((r) => r.contact === desk.contact)!;
      const softSeen = registrations.find((r) => r.contact !== desk.contact)!;
      expect(deskSeen).toMatchObject({
        user_agent: SIPP_REGISTER_USER_AGENT,
        via_address: '127.0.0.1',
        via_port: desk.port,
      });
      expect(softSeen).toMatchObject({
        user_agent: expect.stringMatching(/^baresip v1\./),
        via_address: '127.0.0.1',
        via_port: softphone.sipPort,
      });
      expect(softSeen.contact).toContain(`@127.0.0.1:${softphone.sipPort}`);
      // Asterisk keeps whole seconds; baresip registers for 600 s (its regint).
      expect(secondsLeft(deskSeen)).toBeGreaterThan(110);
      expect(secondsLeft(deskSeen)).toBeLessThanOrEqual(120);
      expect(secondsLeft(softSeen)).toBeGreaterThan(590);
      expect(secondsLeft(softSeen)).toBeLessThanOrEqual(600);

      // The Twilio path and RestComm's XML show the same.
      const twilio = await get(extensions(`/${created.body.sid}`, 'twilio')).expect(200);
      expect(twilio.body.registrations).toEqual(registrations);
      const xml = await get(extensions(`/${created.body.sid}`, 'restcomm', '')).expect(200);
      expect(xml.text).toContain(`<UserAgent>${SIPP_REGISTER_USER_AGENT}</UserAgent>`);
      expect(xml.text).toContain(`<ExpiresAt>${deskSeen.expires_at}</ExpiresAt>`);

      // Five phones at most: a sixth drops the one expiring soonest, here the desk phone.
      const more: string[] = [];
      for (let i = 0; i < 4; i++) {
        const phone = await sipRegister({ login: '1601', password, domain });
        expect(phone.code).toBe(200);
        more.push(phone.contact);
      }
      const full = await registrationsOf(created.body.sid);
      expect(full.map((r) => r.contact).sort()).toEqual([softSeen.contact, ...more].sort());
    } finally {
      await softphone.stop();
    }
  });
});
