import twilio from 'twilio';
import { newSid } from '../apps/platform/src/common/sid';
import { farEndUri } from './factories/call-request.factory';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

describe('Twilio 2010-04-01 Notifications with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.rcml('/broken.xml', 'this is not RCML');
    appServer.rcml('/fine.xml', '<Response><Hangup/></Response>');
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    client = twilio(platform.accountSid, platform.authToken, {
      httpClient: new LocalRequestClient(`http://127.0.0.1:${port}`),
    });
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  async function notificationsOf(callSid: string, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await client.calls(callSid).notifications.list();
      if (found.length > 0) return found;
      if (Date.now() > deadline) throw new Error(`no notification on ${callSid} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it("a real call's RCML error is listed and fetched per call and per account, in Twilio shape", async () => {
    const call = await client.calls.create({
      to: farEndUri('answer'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/broken.xml`,
    });
    const [notification] = await notificationsOf(call.sid);
    expect(notification.sid).toMatch(/^NO[0-9a-f]{32}$/);
    expect(notification).toMatchObject({
      accountSid: platform.accountSid,
      callSid: call.sid,
      apiVersion: '2010-04-01',
      log: '0',
      errorCode: '12100',
      moreInfo: 'https://www.twilio.com/docs/errors/12100',
      requestUrl: `${appServer.baseUrl}/broken.xml`,
      requestMethod: 'POST',
      responseBody: 'this is not RCML',
      uri: `/2010-04-01/Accounts/${platform.accountSid}/Calls/${call.sid}/Notifications/${notification.sid}.json`,
    });
    expect(notification.messageDate).toBeInstanceOf(Date);
    expect(notification.dateCreated.getTime()).toBe(notification.messageDate.getTime());

    const perCall = await client.calls(call.sid).notifications(notification.sid).fetch();
    expect(perCall.toJSON()).toEqual(notification.toJSON());
    const account = client.api.v2010.accounts(platform.accountSid);
    const fetched = await account.notifications(notification.sid).fetch();
    expect(fetched).toMatchObject({ sid: notification.sid, errorCode: '12100', callSid: call.sid });
    expect((await account.notifications.list()).map((n) => n.sid)).toContain(notification.sid);

    const fetchedCall = await client.calls(call.sid).fetch();
    expect(fetchedCall.subresourceUris.notifications).toBe(
      `/2010-04-01/Accounts/${platform.accountSid}/Calls/${call.sid}/Notifications.json`,
    );
    expect((await account.fetch()).subresourceUris.notifications).toBe(
      `/2010-04-01/Accounts/${platform.accountSid}/Notifications.json`,
    );

    // Another call's subresource does not show it; unknown calls and sids are 404.
    const clean = await client.calls.create({
      to: farEndUri('answer'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/fine.xml`,
    });
    expect(await client.calls(clean.sid).notifications.list()).toEqual([]);
    expect(await restError(client.calls(clean.sid).notifications(notification.sid).fetch())).toMatchObject({
      status: 404,
      code: 20404,
    });
    expect(await restError(client.calls(newSid('CA')).notifications.list())).toMatchObject({ status: 404 });
    expect(await restError(account.notifications(newSid('NO')).fetch())).toMatchObject({
      status: 404,
      code: 20404,
    });
  });
});
