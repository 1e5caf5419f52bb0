import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { liveBridges } from './support/asterisk-inspector';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

describe('<Dial><Conference>: rooms with real calls', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
    calls = new CallsClient(platform);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const api = (path: string) => `/restcomm/2012-04-24/Accounts/${platform.accountSid}${path}`;
  const get = (path: string) => platform.http().get(api(path)).auth(platform.accountSid, platform.authToken);

  it('joins three legs into one room; participants can be listed, muted and removed', async () => {
    appServer.rcml('/after-conference', '<Response><Hangup/></Response>');
    const join = (attributes: string) =>
      `<Response><Dial action="/after-conference"><Conference beep="false" ${attributes}>standup</Conference></Dial></Response>`;
    const urls = [
      appServer.rcml('/conf-a.xml', join('endConferenceOnExit="true"')),
      appServer.rcml('/conf-b.xml', join('muted="true"')),
      appServer.rcml('/conf-c.xml', join('')),
    ];
    const sids: string[] = [];
    for (const url of urls)
      sids.push(
        (await calls.create(buildCallRequest({ To: farEndUri('answer'), Url: url })).expect(201)).body.sid,
      );

    let conferenceSid = '';
    await waitUntil(
      async () => {
        const conferences = (await get('/Conferences.json').expect(200)).body.conferences;
        conferenceSid = conferences[0]?.sid ?? '';
        return conferences.length === 1 && conferences[0].participant_count === 3;
      },
      15000,
      'three participants in the room',
    );
    const conference = (await get(`/Conferences/${conferenceSid}.json`).expect(200)).body;
    expect(conference).toMatchObject({ friendly_name: 'standup', status: 'in-progress' });
    expect((await liveBridges()).some((bridge) => bridge.channels.length === 3)).toBe(true);

    const participants = (await get(`/Conferences/${conferenceSid}/Participants.json`).expect(200)).body
      .participants;
    expect(participants.map((p: any) => p.call_sid).sort()).toEqual([...sids].sort());
    expect(participants.find((p: any) => p.call_sid === sids[1]).muted).toBe(true);

    const unmuted = await platform
      .http()
      .post(api(`/Conferences/${conferenceSid}/Participants/${sids[1]}.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Muted: 'false' })
      .expect(200);
    expect(unmuted.body.muted).toBe(false);

    await platform
      .http()
      .delete(api(`/Conferences/${conferenceSid}/Participants/${sids[2]}`))
      .auth(platform.accountSid, platform.authToken)
      .expect(204);
    expect((await calls.waitForStatus(sids[2])).status).toBe('completed');
    expect(
      (await get(`/Conferences/${conferenceSid}/Participants.json`).expect(200)).body.participants,
    ).toHaveLength(2);

    // The participant with endConferenceOnExit leaves: the room ends and everyone goes on with their RCML.
    await platform
      .http()
      .delete(api(`/Conferences/${conferenceSid}/Participants/${sids[0]}`))
      .auth(platform.accountSid, platform.authToken)
      .expect(204);
    for (const sid of sids) expect((await calls.waitForStatus(sid)).status).toBe('completed');
    expect(appServer.requestsTo('/after-conference')).toHaveLength(3);
    expect((await get('/Conferences.json').expect(200)).body.conferences).toEqual([]);
  });

  it('holds participants until one who starts the conference enters', async () => {
    appServer.rcml('/after-wait', '<Response><Hangup/></Response>');
    const waiting = appServer.rcml(
      '/conf-wait.xml',
      '<Response><Dial action="/after-wait"><Conference beep="false" startConferenceOnEnter="false">lobby</Conference></Dial></Response>',
    );
    const starter = appServer.rcml(
      '/conf-start.xml',
      '<Response><Dial action="/after-wait"><Conference beep="false" endConferenceOnExit="true">lobby</Conference></Dial></Response>',
    );
    const first = (await calls.create(buildCallRequest({ Url: waiting })).expect(201)).body.sid;
    let conferenceSid = '';
    await waitUntil(
      async () => {
        const conferences = (await get('/Conferences.json').expect(200)).body.conferences;
        conferenceSid = conferences[0]?.sid ?? '';
        return conferences[0]?.status === 'init';
      },
      15000,
      'a waiting room',
    );
    const waitingParticipant = (
      await get(`/Conferences/${conferenceSid}/Participants/${first}.json`).expect(200)
    ).body;
    expect(waitingParticipant.status).toBe('waiting');
    const second = (await calls.create(buildCallRequest({ Url: starter })).expect(201)).body.sid;
    await waitUntil(
      async () => (await get(`/Conferences/${conferenceSid}.json`)).body.status === 'in-progress',
      15000,
      'the conference to start',
    );
    expect(
      (await get(`/Conferences/${conferenceSid}/Participants/${first}.json`).expect(200)).body.status,
    ).toBe('connected');
    await platform
      .http()
      .delete(api(`/Conferences/${conferenceSid}/Participants/${second}`))
      .auth(platform.accountSid, platform.authToken)
      .expect(204);
    expect((await calls.waitForStatus(first)).status).toBe('completed');
  });

  it('answers 404 for an unknown conference and 400 for a Muted value that is not a boolean', async () => {
    await get('/Conferences/CF00000000000000000000000000000000.json').expect(404);
    const response = await platform
      .http()
      .post(
        api(
          '/Conferences/CF00000000000000000000000000000000/Participants/CA00000000000000000000000000000000.json',
        ),
      )
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Muted: 'maybe' })
      .expect(400);
    expect(response.body.message).toMatch(/Muted must be true or false/);
  });
});
