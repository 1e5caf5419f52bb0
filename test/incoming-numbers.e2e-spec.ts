import { XMLParser } from 'fast-xml-parser';
import { AccountsService } from '../apps/platform/src/accounts/accounts.service';
import { IncomingNumbersService } from '../apps/platform/src/incoming-numbers/incoming-numbers.service';
import { buildIncomingNumberRequest, uniquePhoneNumber } from './factories/incoming-number-request.factory';
import { RunningPlatform, startPlatform } from './support/platform';

describe('IncomingPhoneNumbers API', () => {
  let platform: RunningPlatform;
  const path = (suffix = '.json', accountSid = platform.accountSid) =>
    `/restcomm/2012-04-24/Accounts/${accountSid}/IncomingPhoneNumbers${suffix}`;
  const post = (suffix: string, fields: Record<string, string>) =>
    platform
      .http()
      .post(path(suffix))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send(fields);
  const get = (suffix: string) =>
    platform.http().get(path(suffix)).auth(platform.accountSid, platform.authToken);
  const create = (overrides: Record<string, string | undefined> = {}) =>
    post('.json', buildIncomingNumberRequest(overrides));

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('creates a number (201) with defaults, and fetches it back in JSON', async () => {
    const phoneNumber = uniquePhoneNumber();
    const created = await create({ PhoneNumber: phoneNumber }).expect(201);
    expect(created.body).toMatchObject({
      account_sid: platform.accountSid,
      phone_number: phoneNumber,
      friendly_name: phoneNumber,
      voice_url: 'http://127.0.0.1:9/inbound.xml',
      voice_method: 'POST',
      voice_fallback_url: null,
      voice_fallback_method: 'POST',
      status_callback: null,
      status_callback_method: 'POST',
      api_version: '2012-04-24',
    });
    expect(created.body.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(created.body.uri).toBe(path(`/${created.body.sid}.json`));
    expect(Date.parse(created.body.date_created)).not.toBeNaN();
    expect(Date.parse(created.body.date_updated)).not.toBeNaN();

    const fetched = await get(`/${created.body.sid}.json`).expect(200);
    expect(fetched.body).toEqual(created.body);
  });

  it('accepts every parameter, digits-only numbers and SIP user parts; methods are case-insensitive', async () => {
    const created = await create({
      PhoneNumber: `support-${Date.now()}`,
      FriendlyName: 'Support line',
      VoiceUrl: 'https://apps.example.com/voice',
      VoiceMethod: 'get',
      VoiceFallbackUrl: 'http://localhost:8000/fallback.xml',
      VoiceFallbackMethod: 'GET',
      StatusCallback: 'http://10.0.0.5/status',
      StatusCallbackMethod: 'get',
    }).expect(201);
    expect(created.body).toMatchObject({
      friendly_name: 'Support line',
      voice_url: 'https://apps.example.com/voice',
      voice_method: 'GET',
      voice_fallback_url: 'http://localhost:8000/fallback.xml',
      voice_fallback_method: 'GET',
      status_callback: 'http://10.0.0.5/status',
      status_callback_method: 'GET',
    });
    const digits = String(Date.now());
    await create({ PhoneNumber: digits }).expect(201);
    // JSON bodies work too.
    const json = await platform
      .http()
      .post(path())
      .auth(platform.accountSid, platform.authToken)
      .send({ PhoneNumber: uniquePhoneNumber(), VoiceUrl: 'http://127.0.0.1/a.xml' })
      .expect(201);
    expect(json.body.voice_url).toBe('http://127.0.0.1/a.xml');
  });

  it('renders RestComm XML by default', async () => {
    const phoneNumber = uniquePhoneNumber();
    const created = await post('', buildIncomingNumberRequest({ PhoneNumber: phoneNumber })).expect(201);
    expect(created.headers['content-type']).toMatch(/application\/xml/);
    const xml = new XMLParser({ parseTagValue: false }).parse(created.text);
    const number = xml.RestcommResponse.IncomingPhoneNumber;
    expect(number).toMatchObject({
      AccountSid: platform.accountSid,
      PhoneNumber: phoneNumber,
      VoiceMethod: 'POST',
      ApiVersion: '2012-04-24',
    });
    expect(number.Sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(number.Uri).toBe(path(`/${number.Sid}`));

    const fetched = await get(`/${number.Sid}`).expect(200);
    expect(new XMLParser().parse(fetched.text).RestcommResponse.IncomingPhoneNumber.Sid).toBe(number.Sid);
    const viaAccept = await platform
      .http()
      .get(path(`/${number.Sid}`))
      .set('Accept', 'application/json')
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(viaAccept.body.sid).toBe(number.Sid);
  });

  it.each([
    ['missing PhoneNumber', { PhoneNumber: undefined }, 21421, /PhoneNumber' parameter is required/],
    ['an empty PhoneNumber', { PhoneNumber: '' }, 21421, /required/],
    ['a PhoneNumber with a space (an unencoded +)', { PhoneNumber: ' 1555 123' }, 21421, /E\.164/],
    ['a PhoneNumber with @', { PhoneNumber: 'bob@example.com' }, 21421, /E\.164/],
    ['a PhoneNumber over 64 characters', { PhoneNumber: '1'.repeat(65) }, 21421, /E\.164/],
    ['a relative VoiceUrl', { VoiceUrl: '/voice.xml' }, 21205, /VoiceUrl/],
    ['an ftp VoiceUrl', { VoiceUrl: 'ftp://example.com/a.xml' }, 21205, /VoiceUrl/],
    ['a bad StatusCallback', { StatusCallback: 'not a url' }, 21205, /StatusCallback/],
    ['a bad VoiceMethod', { VoiceMethod: 'PUT' }, 21000, /VoiceMethod' parameter must be GET or POST/],
    ['a bad VoiceFallbackMethod', { VoiceFallbackMethod: 'DELETE' }, 21000, /VoiceFallbackMethod/],
    ['an unknown parameter', { SmsUrl: 'http://127.0.0.1/sms' }, 21000, /SmsUrl should not exist/],
  ])('refuses %s with 400', async (_name, overrides, code, message) => {
    const response = await create(overrides as Record<string, string | undefined>).expect(400);
    expect(response.body).toMatchObject({ code, status: 400 });
    expect(response.body.message).toMatch(message);
    expect(response.body.more_info).toBe(`https://www.twilio.com/docs/errors/${code}`);
  });

  it('refuses a number already in use, by this or another account, with 400 and code 21422', async () => {
    const phoneNumber = uniquePhoneNumber();
    await create({ PhoneNumber: phoneNumber }).expect(201);
    const again = await create({ PhoneNumber: phoneNumber }).expect(400);
    expect(again.body).toMatchObject({ code: 21422, status: 400 });
    expect(again.body.message).toBe(`The phone number ${phoneNumber} is not available`);

    const other = await platform.app.get(AccountsService).create('Other');
    const fromOther = await platform
      .http()
      .post(path('.json', other.sid))
      .auth(other.sid, other.authToken)
      .type('form')
      .send(buildIncomingNumberRequest({ PhoneNumber: phoneNumber }))
      .expect(400);
    expect(fromOther.body.code).toBe(21422);
    // The XML error shape.
    const xml = await post('', buildIncomingNumberRequest({ PhoneNumber: phoneNumber })).expect(400);
    expect(new XMLParser().parse(xml.text).RestcommResponse.RestException).toMatchObject({
      Code: 21422,
      Status: 400,
    });
  });

  it("lists the account's numbers newest first with Page and PageSize, and filters by PhoneNumber", async () => {
    const other = await platform.app.get(AccountsService).create('Lister');
    const otherPath = path('.json', other.sid);
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await platform
        .http()
        .post(otherPath)
        .auth(other.sid, other.authToken)
        .type('form')
        .send(buildIncomingNumberRequest())
        .expect(201);
      created.push(response.body.sid);
    }
    const page0 = await platform
      .http()
      .get(`${otherPath}?PageSize=2`)
      .auth(other.sid, other.authToken)
      .expect(200);
    expect(page0.body).toMatchObject({
      page: 0,
      page_size: 2,
      total: 5,
      num_pages: 3,
      start: 0,
      end: 1,
      previous_page_uri: null,
      next_page_uri: `${otherPath}?Page=1&PageSize=2`,
      last_page_uri: `${otherPath}?Page=2&PageSize=2`,
    });
    expect(page0.body.incoming_phone_numbers.map((n: any) => n.sid)).toEqual([created[4], created[3]]);
    const page2 = await platform
      .http()
      .get(`${otherPath}?Page=2&PageSize=2`)
      .auth(other.sid, other.authToken)
      .expect(200);
    expect(page2.body.incoming_phone_numbers.map((n: any) => n.sid)).toEqual([created[0]]);
    expect(page2.body).toMatchObject({ start: 4, end: 4, next_page_uri: null });

    const one = await platform
      .http()
      .get(otherPath)
      .query({ PhoneNumber: page2.body.incoming_phone_numbers[0].phone_number })
      .auth(other.sid, other.authToken)
      .expect(200);
    expect(one.body.incoming_phone_numbers.map((n: any) => n.sid)).toEqual([created[0]]);

    const xml = await platform
      .http()
      .get(path('?PageSize=2', other.sid))
      .auth(other.sid, other.authToken)
      .expect(200);
    const list = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml.text)
      .RestcommResponse.IncomingPhoneNumbers;
    expect(list['@total']).toBe('5');
    expect(list.IncomingPhoneNumber.map((n: any) => n.Sid)).toEqual([created[4], created[3]]);

    await platform.http().get(`${otherPath}?PageSize=0`).auth(other.sid, other.authToken).expect(400);
    await platform.http().get(`${otherPath}?Foo=1`).auth(other.sid, other.authToken).expect(400);
  });

  it('updates only the parameters sent, clears a URL with an empty value, and validates', async () => {
    const created = await create({
      FriendlyName: 'Before',
      StatusCallback: 'http://127.0.0.1/status',
    }).expect(201);
    const sid = created.body.sid;
    const updated = await post(`/${sid}.json`, {
      VoiceUrl: 'http://127.0.0.1:8000/new.xml',
      VoiceMethod: 'GET',
      StatusCallback: '',
    }).expect(200);
    expect(updated.body).toMatchObject({
      sid,
      phone_number: created.body.phone_number,
      friendly_name: 'Before',
      voice_url: 'http://127.0.0.1:8000/new.xml',
      voice_method: 'GET',
      status_callback: null,
    });
    expect(Date.parse(updated.body.date_updated)).toBeGreaterThanOrEqual(
      Date.parse(created.body.date_updated),
    );
    expect((await get(`/${sid}.json`).expect(200)).body).toEqual(updated.body);

    const bad = await post(`/${sid}.json`, { VoiceUrl: 'nope' }).expect(400);
    expect(bad.body.code).toBe(21205);
    const phone = await post(`/${sid}.json`, { PhoneNumber: uniquePhoneNumber() }).expect(400);
    expect(phone.body.message).toMatch(/PhoneNumber should not exist/);
    await post(`/PN${'0'.repeat(32)}.json`, { FriendlyName: 'x' }).expect(404);
  });

  it('deletes (204), after which the number is gone and free to be taken again', async () => {
    const created = await create().expect(201);
    const sid = created.body.sid;
    const service = platform.app.get(IncomingNumbersService);
    expect((await service.findByNumber(created.body.phone_number))?.sid).toBe(sid);

    const deleted = await platform
      .http()
      .delete(path(`/${sid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .expect(204);
    expect(deleted.text).toBe('');
    await get(`/${sid}.json`).expect(404);
    await platform
      .http()
      .delete(path(`/${sid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .expect(404);
    expect(await service.findByNumber(created.body.phone_number)).toBeNull();
    await create({ PhoneNumber: created.body.phone_number }).expect(201);
  });

  it('findByNumber finds a number across accounts by exact match only', async () => {
    const phoneNumber = uniquePhoneNumber();
    const created = await create({ PhoneNumber: phoneNumber }).expect(201);
    const service = platform.app.get(IncomingNumbersService);
    const found = await service.findByNumber(phoneNumber);
    expect(found).toMatchObject({
      sid: created.body.sid,
      accountSid: platform.accountSid,
      voiceMethod: 'POST',
    });
    expect(await service.findByNumber(phoneNumber.slice(1))).toBeNull();
  });

  it("answers 404 for unknown and malformed sids and for another account's number", async () => {
    const unknown = await get(`/PN${'0'.repeat(32)}.json`).expect(404);
    expect(unknown.body).toMatchObject({ code: 20404, status: 404 });
    await get('/not-a-sid.json').expect(404);
    await get(`/CA${'0'.repeat(32)}.json`).expect(404);

    const mine = await create().expect(201);
    const other = await platform.app.get(AccountsService).create('Snooper');
    const asOther = (method: 'get' | 'post' | 'delete', accountSid: string) => {
      const http = platform.http();
      return http[method](path(`/${mine.body.sid}.json`, accountSid)).auth(other.sid, other.authToken);
    };
    // Through the other account's own path: no such number there.
    await asOther('get', other.sid).expect(404);
    await asOther('post', other.sid).type('form').send({ FriendlyName: 'mine now' }).expect(404);
    await asOther('delete', other.sid).expect(404);
    // Through this account's path with the other account's credentials.
    await asOther('get', platform.accountSid).expect(404);
    await asOther('delete', platform.accountSid).expect(404);
    expect((await get(`/${mine.body.sid}.json`).expect(200)).body.friendly_name).toBe(
      mine.body.friendly_name,
    );
  });

  it('requires HTTP Basic credentials (401)', async () => {
    const none = await platform.http().get(path()).expect(401);
    expect(none.body).toMatchObject({ code: 20003, status: 401 });
    expect(none.headers['www-authenticate']).toMatch(/^Basic/);
    await platform.http().get(path()).auth(platform.accountSid, 'wrong-token-0000000').expect(401);
    await platform.http().post(path()).type('form').send(buildIncomingNumberRequest()).expect(401);
  });
});
