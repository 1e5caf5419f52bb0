import { sipRegister } from './support/sip-register';
import { sipHeader, startUas, SippPeer } from './support/sipp';
import {
  AnsweringApp,
  AsteriskServer,
  restoreStack,
  startAnsweringApp,
  startScaleStack,
  waitFor,
} from './support/scale-stack';

/**
 * Phones registered through Kamailio (asterisk/stack.sh with CALLWRIGHT_PLATFORM_ASTERISKS=2): the REGISTER
 * lands on the one server its extension hashes to, with a Path, and that server's call to the extension
 * goes back through Kamailio to the phone.
 */
jest.setTimeout(120000);

const EXTENSION = '7301';
const PASSWORD = 'scale-secret-7301';

function ari(server: AsteriskServer, path: string, init: RequestInit = {}) {
  const auth = Buffer.from(`${server.ariUsername}:${server.ariPassword}`).toString('base64');
  return fetch(`${server.ariUrl}/ari${path}`, {
    ...init,
    headers: { Authorization: `Basic ${auth}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });
}

/** The SIP user as the platform provisions one (ari-sip-user-directory), plus support_path. */
async function provision(server: AsteriskServer): Promise<void> {
  const put = async (type: string, id: string, fields: Record<string, string>) => {
    const response = await ari(server, `/asterisk/config/dynamic/res_pjsip/${type}/${id}`, {
      method: 'PUT',
      body: JSON.stringify({
        fields: Object.entries(fields).map(([attribute, value]) => ({ attribute, value })),
      }),
    });
    if (!response.ok)
      throw new Error(`${server.name} ${type} ${id}: ${response.status} ${await response.text()}`);
  };
  await put('auth', `${EXTENSION}-auth`, { auth_type: 'userpass', username: EXTENSION, password: PASSWORD });
  await put('aor', EXTENSION, {
    max_contacts: '1',
    remove_existing: 'yes',
    qualify_frequency: '0',
    support_path: 'yes',
  });
  await put('endpoint', EXTENSION, {
    auth: `${EXTENSION}-auth`,
    aors: EXTENSION,
    context: 'from-sip',
    disallow: 'all',
    allow: 'ulaw,alaw',
    direct_media: 'no',
    force_rport: 'yes',
    rewrite_contact: 'yes',
  });
}

async function registeredOn(server: AsteriskServer): Promise<boolean> {
  const response = await ari(server, `/endpoints/PJSIP/${EXTENSION}`);
  if (!response.ok) return false;
  const endpoint = (await response.json()) as { state: string };
  return endpoint.state === 'online';
}

describe('scale-out: phone registrations through Kamailio', () => {
  let servers: AsteriskServer[];
  let phone: SippPeer | undefined;
  let apps: AnsweringApp[] = [];
  /** Channels the test originated, hung up after each test even when it failed half-way. */
  const originated: { server: AsteriskServer; id: string }[] = [];

  beforeAll(async () => {
    servers = await startScaleStack();
    for (const server of servers) await provision(server);
  });

  afterEach(async () => {
    for (const { server, id } of originated.splice(0)) {
      await ari(server, `/channels/${id}`, { method: 'DELETE' });
    }
    await phone?.stop();
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
  });

  afterAll(async () => {
    for (const server of servers) {
      for (const [type, id] of [
        ['endpoint', EXTENSION],
        ['aor', EXTENSION],
        ['auth', `${EXTENSION}-auth`],
      ]) {
        await ari(server, `/asterisk/config/dynamic/res_pjsip/${type}/${id}`, { method: 'DELETE' });
      }
    }
    await restoreStack();
  });

  it('registers on exactly one server; calls to the extension from it and from the other server reach the phone through Kamailio', async () => {
    const registration = await sipRegister({
      login: EXTENSION,
      password: PASSWORD,
      registrar: '127.0.0.1:5090',
    });
    expect(registration.code).toBe(200);
    const where = await Promise.all(servers.map(registeredOn));
    expect(where.filter(Boolean)).toHaveLength(1);
    const home = servers[where.indexOf(true)];

    // The phone answers on the port it registered from.
    phone = await startUas({ scenario: 'answer', port: registration.port, holdSeconds: 30 });
    apps = [await startAnsweringApp(home, 'scale-test')];
    const originate = await ari(
      home,
      `/channels?endpoint=${encodeURIComponent(`PJSIP/${EXTENSION}`)}&app=scale-test&timeout=10`,
      { method: 'POST' },
    );
    expect(originate.status).toBe(200);
    const channel = (await originate.json()) as { id: string };
    originated.push({ server: home, id: channel.id });
    // Answered (the channel entered the app): the server hangs up; its BYE follows the Record-Route.
    await waitFor(async () => apps[0].channels.length === 1, 15000, 'the phone to answer');
    expect((await ari(home, `/channels/${channel.id}`, { method: 'DELETE' })).status).toBe(204);
    const result = await phone.received;
    expect({ exitCode: result.exitCode, log: result.exitCode ? result.log : '' }).toEqual({
      exitCode: 0,
      log: '',
    });
    const invite = result.invite!;
    // It came through Kamailio (its Via and Record-Route), from the server the phone registered on.
    expect(sipHeader(invite.headers, 'via')).toContain('127.0.0.1:5090');
    expect(sipHeader(invite.headers, 'record-route')).toContain('127.0.0.1:5090');
    expect(sipHeader(invite.headers, 'via')).toContain(home.sipAddress);

    // Another server calls the extension through Kamailio, which knows where its phone is.
    await phone.stop();
    const other = servers.find((server) => server !== home)!;
    phone = await startUas({ scenario: 'answer', port: registration.port, holdSeconds: 30 });
    apps.push(await startAnsweringApp(other, 'scale-test'));
    const viaKamailio = await ari(
      other,
      `/channels?endpoint=${encodeURIComponent(`PJSIP/outbound/sip:${EXTENSION}@127.0.0.1:5090`)}&app=scale-test&timeout=10`,
      { method: 'POST' },
    );
    expect(viaKamailio.status).toBe(200);
    const otherChannel = (await viaKamailio.json()) as { id: string };
    originated.push({ server: other, id: otherChannel.id });
    await waitFor(async () => apps[1].channels.length === 1, 15000, 'the phone to answer the other server');
    expect((await ari(other, `/channels/${otherChannel.id}`, { method: 'DELETE' })).status).toBe(204);
    const second = await phone.received;
    expect({ exitCode: second.exitCode, log: second.exitCode ? second.log : '' }).toEqual({
      exitCode: 0,
      log: '',
    });
    expect(sipHeader(second.invite!.headers, 'via')).toContain('127.0.0.1:5090');
    expect(sipHeader(second.invite!.headers, 'via')).toContain(other.sipAddress);
    expect(second.invite!.requestUri).toContain(`127.0.0.1:${registration.port}`);

    // Registering again lands on the same server: one extension, one home.
    const again = await sipRegister({ login: EXTENSION, password: PASSWORD, registrar: '127.0.0.1:5090' });
    expect(again.code).toBe(200);
    expect(await Promise.all(servers.map(registeredOn))).toEqual(where);
  });

  it('forgets an unregistered phone: a call from another server through Kamailio no longer reaches it', async () => {
    const registration = await sipRegister({
      login: EXTENSION,
      password: PASSWORD,
      registrar: '127.0.0.1:5090',
    });
    expect(registration.code).toBe(200);
    const home = servers[(await Promise.all(servers.map(registeredOn))).indexOf(true)];
    const other = servers.find((server) => server !== home)!;
    const gone = await sipRegister({
      login: EXTENSION,
      password: PASSWORD,
      registrar: '127.0.0.1:5090',
      localPort: registration.port,
      expiresSeconds: 0,
    });
    expect(gone.code).toBe(200);
    expect(await Promise.all(servers.map(registeredOn))).toEqual([false, false]);

    phone = await startUas({ scenario: 'answer', port: registration.port, holdSeconds: 30 });
    const attempt = await ari(
      other,
      `/channels?endpoint=${encodeURIComponent(`PJSIP/outbound/sip:${EXTENSION}@127.0.0.1:5090`)}&app=scale-test&timeout=10`,
      { method: 'POST' },
    );
    expect(attempt.status).toBe(200);
    const channel = (await attempt.json()) as { id: string };
    originated.push({ server: other, id: channel.id });
    // Kamailio answers 404 Not registered: the leg ends without the phone hearing of it.
    await waitFor(
      async () => (await ari(other, `/channels/${channel.id}`)).status === 404,
      10000,
      'the leg to fail',
    );
    await phone.stop();
    expect((await phone.received).invites).toEqual([]);
  });
});
