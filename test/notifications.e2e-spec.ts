import { getRepositoryToken } from '@nestjs/typeorm';
import { XMLParser } from 'fast-xml-parser';
import type { Repository } from 'typeorm';
import { AccountsService } from '../apps/platform/src/accounts/accounts.service';
import { CallEntity } from '../apps/platform/src/call-control/legs/call.entity';
import { CallStatus } from '../apps/platform/src/call-control/legs/call-status';
import { NotificationLevel } from '../apps/platform/src/notifications/notification.entity';
import { NotificationsService } from '../apps/platform/src/notifications/notifications.service';
import { buildCallEntity } from './factories/call-entity.factory';
import { buildNotificationInput } from './factories/notification-input.factory';
import { RunningPlatform, startPlatform } from './support/platform';

describe('Notifications API', () => {
  let platform: RunningPlatform;
  let notifications: NotificationsService;
  let calls: Repository<CallEntity>;
  const base = (accountSid = platform.accountSid) => `/restcomm/2012-04-24/Accounts/${accountSid}`;
  const get = (path: string) => platform.http().get(path).auth(platform.accountSid, platform.authToken);
  const insertCall = (accountSid: string) =>
    calls.save(buildCallEntity({ accountSid, status: CallStatus.Completed }));

  beforeAll(async () => {
    platform = await startPlatform();
    notifications = platform.app.get(NotificationsService);
    calls = platform.app.get(getRepositoryToken(CallEntity));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it("lists a call's notifications newest first, with every field, and fetches one", async () => {
    const call = await insertCall(platform.accountSid);
    const other = await insertCall(platform.accountSid);
    const first = await notifications.record(
      buildNotificationInput(platform.accountSid, { callSid: call.sid, responseBody: '<Response><Bad/>' }),
    );
    await notifications.record(buildNotificationInput(platform.accountSid, { callSid: other.sid }));
    const second = await notifications.record(
      buildNotificationInput(platform.accountSid, {
        callSid: call.sid,
        level: NotificationLevel.Warning,
        code: 12200,
        message: 'Unknown verb <Foo> skipped',
        requestUrl: undefined,
        requestMethod: undefined,
      }),
    );

    const listPath = `${base()}/Calls/${call.sid}/Notifications.json`;
    const list = await get(listPath).expect(200);
    expect(list.body).toMatchObject({
      page: 0,
      page_size: 50,
      total: 2,
      num_pages: 1,
      uri: `${listPath}?Page=0&PageSize=50`,
    });
    expect(list.body.notifications.map((n: any) => n.sid)).toEqual([second.sid, first.sid]);
    const [warning, error] = list.body.notifications;
    expect(error).toEqual({
      sid: first.sid,
      account_sid: platform.accountSid,
      call_sid: call.sid,
      api_version: '2012-04-24',
      log: 0,
      error_code: 11200,
      more_info: 'https://www.twilio.com/docs/errors/11200',
      message_text: 'Fetching http://127.0.0.1:9/app.xml failed: connection refused',
      message_date: expect.any(String),
      request_url: 'http://127.0.0.1:9/app.xml',
      request_method: 'POST',
      response_body: '<Response><Bad/>',
      date_created: expect.any(String),
      uri: `${base()}/Notifications/${first.sid}.json`,
    });
    expect(Date.parse(error.date_created)).not.toBeNaN();
    expect(error.message_date).toBe(error.date_created);
    expect(warning).toMatchObject({ log: 1, error_code: 12200, request_url: null, request_method: null });

    const one = await get(`${base()}/Notifications/${first.sid}.json`).expect(200);
    expect(one.body).toEqual(error);
  });

  it("lists the account's notifications (with and without a call), paged, and not other accounts'", async () => {
    const account = await platform.app.get(AccountsService).create('Paging');
    const call = await insertCall(account.sid);
    const stranger = await platform.app.get(AccountsService).create('Stranger');
    await notifications.record(buildNotificationInput(stranger.sid));
    const sids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const callSid = i % 2 === 0 ? call.sid : null;
      sids.push(
        (await notifications.record(buildNotificationInput(account.sid, { callSid, code: 11200 + i }))).sid,
      );
    }
    const listPath = `${base(account.sid)}/Notifications.json`;
    const page1 = await platform
      .http()
      .get(`${listPath}?Page=1&PageSize=2`)
      .auth(account.sid, account.authToken)
      .expect(200);
    expect(page1.body).toMatchObject({
      page: 1,
      page_size: 2,
      total: 5,
      num_pages: 3,
      start: 2,
      end: 3,
      previous_page_uri: `${listPath}?Page=0&PageSize=2`,
      next_page_uri: `${listPath}?Page=2&PageSize=2`,
    });
    expect(page1.body.notifications.map((n: any) => n.sid)).toEqual([sids[2], sids[1]]);
    expect(page1.body.notifications.map((n: any) => n.call_sid)).toEqual([call.sid, null]);

    const beyond = await platform
      .http()
      .get(`${listPath}?Page=9&PageSize=2`)
      .auth(account.sid, account.authToken)
      .expect(200);
    expect(beyond.body.notifications).toEqual([]);

    const forCall = await platform
      .http()
      .get(`${base(account.sid)}/Calls/${call.sid}/Notifications.json`)
      .auth(account.sid, account.authToken)
      .expect(200);
    expect(forCall.body.notifications.map((n: any) => n.sid)).toEqual([sids[4], sids[2], sids[0]]);

    for (const query of ['PageSize=1001', 'Page=-1', 'Page=x', 'Foo=bar']) {
      const bad = await platform
        .http()
        .get(`${listPath}?${query}`)
        .auth(account.sid, account.authToken)
        .expect(400);
      expect(bad.body.code).toBe(21000);
    }
  });

  it('renders RestComm XML by default', async () => {
    const call = await insertCall(platform.accountSid);
    const recorded = await notifications.record(
      buildNotificationInput(platform.accountSid, { callSid: call.sid }),
    );
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });
    const list = await get(`${base()}/Calls/${call.sid}/Notifications`).expect(200);
    expect(list.headers['content-type']).toMatch(/application\/xml/);
    const parsed = parser.parse(list.text).RestcommResponse.Notifications;
    expect(parsed['@total']).toBe('1');
    expect(parsed.Notification).toMatchObject({
      Sid: recorded.sid,
      CallSid: call.sid,
      Log: '0',
      ErrorCode: '11200',
      RequestMethod: 'POST',
      Uri: `${base()}/Notifications/${recorded.sid}`,
    });
    const one = await get(`${base()}/Notifications/${recorded.sid}`).expect(200);
    expect(parser.parse(one.text).RestcommResponse.Notification.Sid).toBe(recorded.sid);
  });

  it("answers 404 for an unknown call, another account's call, and unknown or malformed notification sids", async () => {
    const unknownCall = await get(`${base()}/Calls/CA${'0'.repeat(32)}/Notifications.json`).expect(404);
    expect(unknownCall.body).toMatchObject({ code: 20404, status: 404 });
    await get(`${base()}/Calls/nonsense/Notifications.json`).expect(404);

    const stranger = await platform.app.get(AccountsService).create('Other account');
    const strangersCall = await insertCall(stranger.sid);
    const strangersNote = await notifications.record(
      buildNotificationInput(stranger.sid, { callSid: strangersCall.sid }),
    );
    await get(`${base()}/Calls/${strangersCall.sid}/Notifications.json`).expect(404);
    await get(`${base()}/Notifications/${strangersNote.sid}.json`).expect(404);
    // Addressing the other account's path with this account's credentials.
    await get(`${base(stranger.sid)}/Notifications.json`).expect(404);
    await get(`${base(stranger.sid)}/Calls/${strangersCall.sid}/Notifications.json`).expect(404);

    await get(`${base()}/Notifications/NO${'0'.repeat(32)}.json`).expect(404);
    await get(`${base()}/Notifications/garbage.json`).expect(404);
  });

  it('requires HTTP Basic credentials (401)', async () => {
    await platform.http().get(`${base()}/Notifications.json`).expect(401);
    const call = await insertCall(platform.accountSid);
    const wrong = await platform
      .http()
      .get(`${base()}/Calls/${call.sid}/Notifications.json`)
      .auth(platform.accountSid, 'not-the-token-000000')
      .expect(401);
    expect(wrong.body.code).toBe(20003);
  });
});
