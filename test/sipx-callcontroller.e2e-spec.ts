import { digestRequest } from './support/http-digest';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { Baresip, type SipTraceMessage } from './support/softphones';
import { createExtension, unprovisionExtensions } from './support/tenant-extensions';

/** Each extension's callcontroller PIN. */
const pinOf = (number: string) => `${number}99`;
const PASSWORD = 'sipx-secret-42';

/**
 * The sipX-style call controller on the real stack, with registered baresips as the users: INVITE
 * mode (both phones bridged through the platform, Subject on the first INVITE), the GET's status lines,
 * transfer to a third phone, the calling user's timeout, REFER mode. Authenticated with the account's
 * extension's PIN over HTTP Digest.
 */
describe('sipX call controller with registered softphones', () => {
  let platform: RunningPlatform;
  let domain: string;
  /** 1001 answers by hand; 1002-1004 answer by themselves. */
  const phones: Record<string, Baresip> = {};

  beforeAll(async () => {
    platform = await startPlatform();
    const tenant = { sid: platform.accountSid, token: platform.authToken };
    for (const number of ['1001', '1002', '1003', '1004'])
      domain = await createExtension(platform, tenant, {
        ExtensionNumber: number,
        Password: PASSWORD,
        DisplayName: `User ${number}`,
        Pin: pinOf(number),
      });
    for (const number of ['1001', '1002', '1003', '1004'])
      phones[number] = await Baresip.start({
        user: number,
        password: PASSWORD,
        domain,
        registrar: '127.0.0.1:5060',
        autoAnswer: number !== '1001',
      });
  }, 60000);

  afterAll(async () => {
    await Promise.all(Object.values(phones).map((phone) => phone.stop()));
    if (platform) await unprovisionExtensions(platform);
    await platform?.close();
  });

  /** As the path's calling user, with its PIN over Digest (the tenant named by the Host, its SIP domain). */
  const digest = (method: 'get' | 'post', path: string, query: Record<string, string> = {}) => {
    const search = new URLSearchParams(query).toString();
    const user = /callcontroller\/([^/]+)\//.exec(path)![1];
    return digestRequest(platform, method, search ? `${path}?${search}` : path, {
      user,
      pin: pinOf(user),
      host: domain,
    });
  };
  const post = (path: string, query: Record<string, string> = {}) => digest('post', path, query);
  const statusLines = async (path: string): Promise<string[]> => {
    const response = await digest('get', path).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    expect(response.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<status-lines>/);
    return [...response.text.matchAll(/<status-line>([^<]*)<\/status-line>/g)].map((match) => match[1]);
  };
  const invites = (phone: Baresip, after = 0): SipTraceMessage[] =>
    phone
      .sipTrace()
      .slice(after)
      .filter((m) => m.direction === 'received' && /^INVITE /.test(m.text));
  const mark = (number: string) => phones[number].events.length;
  const established = (number: string, after: number) =>
    phones[number].waitForEvent('CALL_ESTABLISHED', { after, timeoutMs: 15000 });
  const closed = (number: string, after: number) =>
    phones[number].waitForEvent('CALL_CLOSED', { after, timeoutMs: 15000 });

  it('INVITE mode rings the calling user first with the Subject, then bridges the called user; the GET shows each response; transfer moves the call to a third phone', async () => {
    const trace = phones['1001'].sipTrace().length;
    const [e1, e2, e3] = [mark('1001'), mark('1002'), mark('1003')];
    const placed = await post('/callcontroller/1001/1002', {
      sipMethod: 'INVITE',
      subject: 'Order 42 follow-up',
      timeout: '20',
    }).expect(200);
    expect(placed.text).toBe('');
    await phones['1001'].waitForEvent('CALL_INCOMING', { after: e1 });
    const [invite] = invites(phones['1001'], trace);
    expect(invite.text).toMatch(/\r?\nSubject: Order 42 follow-up\r?\n/);
    // The called user is not rung while the calling user's phone rings.
    expect(invites(phones['1002'])).toEqual([]);

    await phones['1001'].accept();
    await Promise.all([established('1001', e1), established('1002', e2)]);
    await waitUntil(
      async () =>
        (await statusLines('/callcontroller/1001/1002')).filter((l) => l === 'SIP/2.0 200 OK').length === 2,
      5000,
      'both 200 OK in the status lines',
    );
    const lines = await statusLines('/sipxconfig/rest/my/redirect/callcontroller/1001/1002');
    expect(lines.slice(0, lines.indexOf('SIP/2.0 200 OK') + 1)).toEqual([
      'SIP/2.0 180 Ringing',
      'SIP/2.0 200 OK',
    ]);
    expect(lines[lines.length - 1]).toBe('SIP/2.0 200 OK');

    await post('/callcontroller/1001/1002', { action: 'transfer', target: '1003' }).expect(200);
    await established('1003', e3);
    await closed('1001', e1);
    await phones['1003'].hangup();
    await closed('1002', e2);
  }, 60000);

  it('INVITE mode: a calling user who does not answer within the timeout ends the call, and the lines show it', async () => {
    const [e1] = [mark('1001')];
    const calledTrace = phones['1003'].sipTrace().length;
    const started = Date.now();
    await post('/callcontroller/1001/1003', { sipMethod: 'INVITE', timeout: '3' }).expect(200);
    await phones['1001'].waitForEvent('CALL_INCOMING', { after: e1 });
    await closed('1001', e1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
    await waitUntil(
      async () => (await statusLines('/callcontroller/1001/1003')).length >= 2,
      5000,
      'a final status line',
    );
    const lines = await statusLines('/callcontroller/1001/1003');
    expect(lines[0]).toBe('SIP/2.0 180 Ringing');
    expect(lines[lines.length - 1]).toMatch(/^SIP\/2\.0 (408|480|487) /);
    expect(lines).not.toContain('SIP/2.0 200 OK');
    expect(invites(phones['1003'], calledTrace)).toEqual([]);
  }, 30000);

  it('REFER mode (the default): the calling phone answers, is REFERred to the called user’s address, calls it and talks to it; the platform lets go', async () => {
    const trace = phones['1004'].sipTrace().length;
    const calledTrace = phones['1002'].sipTrace().length;
    const [e4, e2] = [mark('1004'), mark('1002')];
    await post('/callcontroller/1004/1002').expect(200);
    await established('1004', e4);
    const received = (what: RegExp) =>
      phones['1004']
        .sipTrace()
        .slice(trace)
        .find((m) => m.direction === 'received' && what.test(m.text));
    await waitUntil(() => !!received(/^REFER /), 10000, 'the REFER');
    const refer = received(/^REFER /)!;
    const aor = `sip:1002@${domain}`;
    expect(refer.text).toMatch(new RegExp(`\\r?\\nRefer-To: <?${aor.replace(/\./g, '\\.')}`, 'i'));
    await phones['1004'].waitForSip(
      (m) => m.direction === 'sent' && m.text.startsWith(`INVITE ${aor} `),
      'the INVITE the REFER asked for',
      10000,
    );
    // The platform lets go of the referred dialog (baresip does not end it itself).
    await waitUntil(() => !!received(/^BYE /), 10000, "the platform's BYE of the referred dialog");
    // The phone's own call reaches the called phone, recognised as extension 1004's.
    await established('1002', e2);
    const [invite] = invites(phones['1002'], calledTrace);
    expect(invite.text).toMatch(/\r?\nFrom: [^\r\n]*sip:1004@/i);
    const response = await digest('get', '/callcontroller/1004/1002');
    expect(response.text).toContain('<!-- REFER sent to 1002 -->');
    expect(await statusLines('/callcontroller/1004/1002')).toEqual(['SIP/2.0 180 Ringing', 'SIP/2.0 200 OK']);
    await phones['1002'].hangup();
    await closed('1002', e2);
  }, 60000);

  it('answers failures with the HTTP status and a plain-text reason', async () => {
    const missing = await digest('get', '/callcontroller/1001/1009');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^text\/plain/);
    expect(missing.text).toMatch(/no call from 1001 to 1009/);
    const bad = await post('/callcontroller/1001/1002', { sipMethod: 'BYE' }).expect(400);
    expect(bad.text).toMatch(/sipMethod must be one of REFER, INVITE/);
    await platform.http().post('/callcontroller/1001/1002').expect(401);
  });
});
