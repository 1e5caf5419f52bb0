import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { farEndUri } from './factories/call-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { liveBridges } from './support/asterisk-inspector';
import { startBrowser, type Browser } from './support/browser';
import { CallsClient } from './support/calls-client';
import { consoleUrl, signIn } from './support/console-page';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { startUas, type SippPeer } from './support/sipp';

/**
 * The web console on real calls (real Asterisk, the simulated far end, SIPp as a phone, a real app
 * server): a call's timeline with its webhook and SIP events, its recording played in the page, and a
 * live call that appears by itself, is held, unheld and hung up from the page.
 */
describe('Web console (browser): timelines, recordings, live calls', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  const peers: SippPeer[] = [];
  const docs = join(__dirname, '..', 'docs', 'console');
  const shoot = async (name: string) => {
    const path = await browser.screenshot(name);
    mkdirSync(docs, { recursive: true });
    copyFileSync(path, join(docs, `${name}.png`));
  };
  const twilioCalls = () => `/2010-04-01/Accounts/${platform.accountSid}/Calls.json`;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.on('/tone.wav', { contentType: 'audio/wav', body: buildToneWav(3, 440) });
    appServer.on('/status', { status: 204 });
    platform = await startPlatform();
    calls = new CallsClient(platform);
    browser = await startBrowser();
    await signIn(browser.page, platform);
  }, 60000);

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
  });

  afterAll(async () => {
    // Off the live page first: its event stream would hold the platform's shutdown.
    await browser?.page.goto('about:blank').catch(() => undefined);
    await browser?.close();
    await platform?.close();
    await appServer?.stop();
  });

  it('shows a call placed during the test: its timeline with the webhooks and SIP progress, and plays its recording', async () => {
    const url = appServer.rcml('/play.xml', `<Response><Play loop="0">${appServer.baseUrl}/tone.wav</Play></Response>`);
    // Twilio's Record=true records the whole call; the far end's answer-4s hangs up after four seconds.
    const created = await platform
      .http()
      .post(twilioCalls())
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({
        To: farEndUri('answer-4s'),
        From: '+15550001111',
        Url: url,
        Record: 'true',
        StatusCallback: `${appServer.baseUrl}/status`,
        StatusCallbackEvent: 'initiated ringing answered completed',
      })
      .expect(201);
    const sid = created.body.sid as string;
    await calls.waitForStatus(sid, ['completed'], 30000);
    await appServer.waitFor((r) => r.path === '/status' && r.body.CallStatus === 'completed');
    // The recording is stored once the call ended.
    await waitUntil(
      async () =>
        (
          await platform
            .http()
            .get(`/2010-04-01/Accounts/${platform.accountSid}/Calls/${sid}/Recordings.json`)
            .auth(platform.accountSid, platform.authToken)
        ).body.recordings?.length > 0,
      15000,
      'the recording',
    );

    const { page } = browser;
    const timeline = page.getByRole('list', { name: 'Events in order' });
    // The platform stores call events in batches a moment after they happen: reload until the end shows.
    await waitUntil(
      async () => {
        await page.goto(consoleUrl(platform, `/calls/${sid}`));
        await page.getByRole('heading', { name: `Call ${sid}` }).waitFor();
        return (await timeline.locator('li[data-kind=status]', { hasText: 'completed' }).count()) > 0;
      },
      10000,
      'the completed status in the timeline',
    );
    // The RCML fetch and the status callbacks, each with its URL, answer and latency.
    await timeline.locator('li[data-kind=webhook]', { hasText: `${appServer.baseUrl}/play.xml` }).first().waitFor();
    const webhooks = await timeline.locator('li[data-kind=webhook]').allTextContents();
    expect(webhooks.some((t) => t.includes('/play.xml') && / 200 in \d+ ms/.test(t))).toBe(true);
    expect(webhooks.some((t) => t.includes('/status') && / 204 in \d+ ms/.test(t))).toBe(true);
    // SIP progress: ringing (180 from the far end) and the answer (200).
    const statuses = await timeline.locator('li[data-kind=status]').allTextContents();
    expect(statuses.join('\n')).toMatch(/ringing/);
    expect(statuses.join('\n')).toMatch(/in-progress[^\n]*SIP 200|SIP 200/);
    expect(statuses.join('\n')).toMatch(/completed/);
    // The far end's provisional response, as its status line.
    expect(await timeline.locator('li[data-kind=sip]', { hasText: 'SIP/2.0 180' }).count()).toBeGreaterThan(0);
    // In time order.
    const times = await timeline.locator('li time').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime')!));
    expect(times).toEqual([...times].sort());

    const audio = page.locator('ul.recordings audio').first();
    await audio.waitFor();
    await audio.evaluate((element: any) => new Promise((resolve) => (element.readyState >= 1 ? resolve(null) : element.addEventListener('loadedmetadata', resolve))));
    expect(await audio.evaluate((element: any) => element.duration)).toBeGreaterThan(1);
    await audio.evaluate((element: any) => element.play());
    await page.waitForFunction((el: any) => el.currentTime > 0.3, await audio.elementHandle(), { timeout: 10000 });
    await audio.evaluate((element: any) => element.pause());
    await shoot('call-detail');
  }, 90000);

  it('shows a live call as it starts, holds and unholds it, and hangs it up from the page: the phone gets the BYE', async () => {
    const { page } = browser;
    await page.goto(consoleUrl(platform, '/live'));
    await page.getByText('Updates: live').waitFor();

    // SIPp answers, expects the hold and resume re-INVITEs (PBX_HOLD_SIGNALLING=reinvite, the default), then a BYE.
    const phone = await startUas({ scenario: 'hold' });
    peers.push(phone);
    const url = appServer.rcml('/dial.xml', `<Response><Dial timeout="15"><Sip>${phone.uri('bob')}</Sip></Dial></Response>`);
    const created = await calls.create({ To: farEndUri('answer'), From: '+15550003333', Url: url }).expect(201);
    const caller = created.body.sid as string;
    const callee = await calls.waitForFirstChild(caller, 'in-progress', 15000);
    await waitUntil(async () => (await liveBridges()).length > 0, 10000, 'the Dial bridge');

    // Both legs appear without a reload, pushed by the event stream, and the change is announced.
    const card = page.locator(`li.live-call[data-sid="${callee}"]`);
    await card.locator('.status-in-progress').waitFor({ timeout: 15000 });
    await page.locator(`li.live-call[data-sid="${caller}"]`).waitFor();
    expect(await page.locator('[aria-live=polite]').textContent()).toMatch(/call/i);
    await shoot('live-calls');

    await card.getByRole('button', { name: 'Hold', exact: true }).click();
    await card.locator('.status-held').waitFor({ timeout: 10000 });
    const held = await platform.http().get('/console/api/live-calls').set('Cookie', await sessionCookie()).expect(200);
    expect(held.body.calls.find((c: { sid: string }) => c.sid === callee)).toMatchObject({ held: true });
    await card.getByRole('button', { name: 'Unhold', exact: true }).click();
    await card.getByRole('button', { name: 'Hold', exact: true }).waitFor({ timeout: 10000 });
    expect(await card.locator('.status-held').count()).toBe(0);

    await card.getByRole('button', { name: 'Hang up' }).click();
    // The phone saw the hold (a=sendonly) and the resume (a=sendrecv), then received the platform's
    // BYE and answered it: SIPp's scenario ran to its end.
    const result = await phone.received;
    expect([...result.log.matchAll(/CW_REINVITE (a=\w+)/g)].map((match) => match[1])).toEqual(['a=sendonly', 'a=sendrecv']);
    expect(result.exitCode).toBe(0);
    await calls.waitForStatus(callee, ['completed']);
    await card.waitFor({ state: 'detached', timeout: 10000 });
    await calls.waitForStatus(caller, ['completed']);
    await page.locator(`li.live-call[data-sid="${caller}"]`).waitFor({ state: 'detached', timeout: 10000 });
  }, 90000);

  it("charts the calls and the webhook latency of this test's calls", async () => {
    const { page } = browser;
    await page.goto(consoleUrl(platform, '/charts'));
    await page.locator('svg rect.bar-completed').first().waitFor();
    // The webhooks of the calls above (RCML fetches, status callbacks) are the p50/p95 points.
    await page.locator('svg circle.pt').first().waitFor();
    expect(await page.locator('svg path.line.l2').getAttribute('d')).toMatch(/^M/);
    await shoot('charts-with-webhooks');
  }, 30000);

  const sessionCookie = async () => {
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'cw_console')!;
    return `${cookie.name}=${cookie.value}`;
  };
});
