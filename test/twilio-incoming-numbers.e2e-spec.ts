import twilio from 'twilio';
import { newSid } from '../apps/platform/src/common/sid';
import { uniquePhoneNumber } from './factories/incoming-number-request.factory';
import { callPlatformFromFarEnd } from './support/far-end';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

describe('Twilio 2010-04-01 IncomingPhoneNumbers with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let httpClient: LocalRequestClient;
  let client: ReturnType<typeof twilio>;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.rcml('/first.xml', '<Response><Hangup/></Response>');
    appServer.rcml('/second.xml', '<Response><Pause length="1"/><Hangup/></Response>');
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    httpClient = new LocalRequestClient(`http://127.0.0.1:${port}`);
    client = twilio(platform.accountSid, platform.authToken, { httpClient });
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  it('create, fetch, update (an inbound call then runs the new VoiceUrl) and delete', async () => {
    const phoneNumber = uniquePhoneNumber();
    const created = await client.incomingPhoneNumbers.create({
      phoneNumber,
      friendlyName: 'Front desk',
      voiceUrl: `${appServer.baseUrl}/first.xml`,
      voiceMethod: 'GET',
    });
    expect(created.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      accountSid: platform.accountSid,
      phoneNumber,
      friendlyName: 'Front desk',
      voiceUrl: `${appServer.baseUrl}/first.xml`,
      voiceMethod: 'GET',
      voiceFallbackUrl: null,
      statusCallbackMethod: 'POST',
      apiVersion: '2010-04-01',
      capabilities: { voice: true, sms: false, mms: false, fax: false },
      uri: `/2010-04-01/Accounts/${platform.accountSid}/IncomingPhoneNumbers/${created.sid}.json`,
    });
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(Math.abs(created.dateCreated.getTime() - Date.now())).toBeLessThan(5000);

    const fetched = await client.incomingPhoneNumbers(created.sid).fetch();
    expect(fetched.toJSON()).toEqual(created.toJSON());

    const updated = await client.incomingPhoneNumbers(created.sid).update({
      voiceUrl: `${appServer.baseUrl}/second.xml`,
      voiceMethod: 'POST',
    });
    expect(updated).toMatchObject({
      voiceUrl: `${appServer.baseUrl}/second.xml`,
      voiceMethod: 'POST',
      friendlyName: 'Front desk',
    });

    // The same number the RestComm resource routes: a real inbound call fetches the updated URL.
    await callPlatformFromFarEnd(phoneNumber, 'answer');
    const request = await appServer.waitFor(
      (r) => r.path === '/second.xml' && r.body.To === phoneNumber,
      15000,
    );
    expect(request.method).toBe('POST');
    expect(appServer.requestsTo('/first.xml')).toHaveLength(0);

    expect(await client.incomingPhoneNumbers(created.sid).remove()).toBe(true);
    expect(await restError(client.incomingPhoneNumbers(created.sid).fetch())).toMatchObject({
      status: 404,
      code: 20404,
    });
    // Released: the number can be taken again.
    const again = await client.incomingPhoneNumbers.create({ phoneNumber });
    expect(again.friendlyName).toBe(phoneNumber);
    await client.incomingPhoneNumbers(again.sid).remove();
  });

  it('list and each follow Twilio paging newest first, with the PhoneNumber and FriendlyName filters', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const number = await client.incomingPhoneNumbers.create({
        phoneNumber: uniquePhoneNumber(),
        friendlyName: 'Paged',
      });
      created.unshift(number.sid);
    }
    const before = httpClient.uris.length;
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) =>
      client.incomingPhoneNumbers.each({
        friendlyName: 'Paged',
        pageSize: 2,
        callback: (number) => void seen.push(number.sid),
        done: (error: Error | null) => (error ? reject(error) : resolve()),
      }),
    );
    expect(seen).toEqual(created);
    const requested = httpClient.uris.slice(before);
    expect(requested).toHaveLength(3);
    expect(requested[2]).toMatch(/IncomingPhoneNumbers\.json\?PageSize=2&Page=2&FriendlyName=Paged$/);

    const one = await client.incomingPhoneNumbers(created[3]).fetch();
    const filtered = await client.incomingPhoneNumbers.list({ phoneNumber: one.phoneNumber });
    expect(filtered.map((number) => number.sid)).toEqual([one.sid]);

    const raw = await platform
      .http()
      .get(
        `/2010-04-01/Accounts/${platform.accountSid}/IncomingPhoneNumbers.json?PageSize=2&FriendlyName=Paged`,
      )
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(Object.keys(raw.body).sort()).toEqual(
      [
        'incoming_phone_numbers',
        'uri',
        'first_page_uri',
        'next_page_uri',
        'previous_page_uri',
        'page',
        'page_size',
        'start',
        'end',
      ].sort(),
    );
    expect(raw.body.incoming_phone_numbers[0].date_created).toMatch(
      /^\w{3}, \d{2} \w{3} \d{4} [\d:]{8} \+0000$/,
    );
    for (const sid of created) await client.incomingPhoneNumbers(sid).remove();
  });

  it('refusals carry Twilio codes: number taken 21422, bad number 21421, unknown 20404, bad URL 21205', async () => {
    const phoneNumber = uniquePhoneNumber();
    const held = await client.incomingPhoneNumbers.create({ phoneNumber });
    expect(await restError(client.incomingPhoneNumbers.create({ phoneNumber }))).toMatchObject({
      status: 400,
      code: 21422,
    });
    expect(
      await restError(client.incomingPhoneNumbers.create({ phoneNumber: 'not a number!' })),
    ).toMatchObject({
      status: 400,
      code: 21421,
    });
    expect(await restError(client.incomingPhoneNumbers(held.sid).update({ voiceUrl: 'nope' }))).toMatchObject(
      { status: 400, code: 21205 },
    );
    expect(await restError(client.incomingPhoneNumbers(newSid('PN')).remove())).toMatchObject({
      status: 404,
      code: 20404,
    });
    const foreign = client.api.v2010.accounts(newSid('AC')).incomingPhoneNumbers.list({ limit: 1 });
    expect(await restError(foreign)).toMatchObject({ status: 404, code: 20404 });
    await client.incomingPhoneNumbers(held.sid).remove();
  });

  it("the account's subresource_uris name the 2010-04-01 resources it serves", async () => {
    const account = await client.api.v2010.accounts(platform.accountSid).fetch();
    const base = `/2010-04-01/Accounts/${platform.accountSid}`;
    expect(account.subresourceUris).toMatchObject({
      calls: `${base}/Calls.json`,
      keys: `${base}/Keys.json`,
      incoming_phone_numbers: `${base}/IncomingPhoneNumbers.json`,
    });
    const listed = await client.api.v2010.accounts(platform.accountSid).incomingPhoneNumbers.list();
    expect(Array.isArray(listed)).toBe(true);
  });
});
