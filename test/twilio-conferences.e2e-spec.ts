import twilio from 'twilio';
import { newSid } from '../apps/platform/src/common/sid';
import { farEndUri } from './factories/call-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { liveBridges } from './support/asterisk-inspector';
import { HttpRecorder, RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

describe('Twilio 2010-04-01 Conferences and Participants with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.on('/hold.wav', { contentType: 'audio/wav', body: buildToneWav(2, 330) });
    appServer.on('/announce.wav', { contentType: 'audio/wav', body: buildToneWav(0.5, 880) });
    appServer.rcml('/after', '<Response><Hangup/></Response>');
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

  const callStatus = async (sid: string) => (await client.calls(sid).fetch()).status;

  /** Places `count` real calls that each join room `name` with `attributes`. */
  async function joinRoom(name: string, attributes: string[], first = 0): Promise<string[]> {
    const sids: string[] = [];
    for (const [i, extra] of attributes.entries()) {
      const url = appServer.rcml(
        `/${name}-${first + i}.xml`,
        `<Response><Dial action="/after"><Conference beep="false" ${extra}>${name}</Conference></Dial></Response>`,
      );
      sids.push((await client.calls.create({ to: farEndUri('answer'), from: '+15550001111', url })).sid);
    }
    return sids;
  }

  async function liveRoom(name: string, participants: number) {
    let sid = '';
    await waitUntil(
      async () => {
        const [room] = await client.conferences.list({ friendlyName: name, status: 'in-progress' });
        sid = room?.sid ?? '';
        return !!room && (await client.conferences(sid).participants.list()).length === participants;
      },
      20000,
      `${participants} participants in ${name}`,
    );
    return sid;
  }

  it('lists and fetches a live room; mutes, holds (holdUrl), resumes and removes participants', async () => {
    const sids = await joinRoom('standup', ['', 'muted="true"', '']);
    const sid = await liveRoom('standup', 3);
    const room = await client.conferences(sid).fetch();
    expect(room).toMatchObject({
      sid,
      accountSid: platform.accountSid,
      friendlyName: 'standup',
      status: 'in-progress',
      apiVersion: '2010-04-01',
      uri: `/2010-04-01/Accounts/${platform.accountSid}/Conferences/${sid}.json`,
    });
    expect(room.subresourceUris.participants).toBe(
      `/2010-04-01/Accounts/${platform.accountSid}/Conferences/${sid}/Participants.json`,
    );
    expect(room.dateCreated).toBeInstanceOf(Date);
    expect((await client.conferences.list({ friendlyName: 'nobody' })).length).toBe(0);
    const today = new Date();
    expect((await client.conferences.list({ dateCreatedAfter: today })).map((c) => c.sid)).toContain(sid);

    const participants = room.participants();
    expect((await participants.list({ muted: true })).map((p) => p.callSid)).toEqual([sids[1]]);
    const first = await participants(sids[0]).fetch();
    expect(first).toMatchObject({
      callSid: sids[0],
      conferenceSid: sid,
      muted: false,
      hold: false,
      status: 'connected',
    });

    expect(await participants(sids[0]).update({ muted: true })).toMatchObject({ muted: true });
    expect(await participants(sids[1]).update({ muted: false })).toMatchObject({ muted: false });
    expect((await participants.list({ muted: true })).map((p) => p.callSid)).toEqual([sids[0]]);

    const held = await participants(sids[2]).update({ hold: true, holdUrl: `${appServer.baseUrl}/hold.wav` });
    expect(held).toMatchObject({ hold: true });
    // The platform fetches the hold music (as it fetches <Play> media) for the held participant.
    await appServer.waitFor((r) => r.path === '/hold.wav', 10000);
    expect((await participants.list({ hold: true })).map((p) => p.callSid)).toEqual([sids[2]]);
    // Held, not gone: its channel is still in the room's bridge.
    expect((await liveBridges()).some((bridge) => bridge.channels.length === 3)).toBe(true);
    expect(await participants(sids[2]).update({ hold: false })).toMatchObject({ hold: false });
    expect(await participants.list({ hold: true })).toEqual([]);

    const announced = await client
      .conferences(sid)
      .update({ announceUrl: `${appServer.baseUrl}/announce.wav` });
    expect(announced.status).toBe('in-progress');
    await appServer.waitFor((r) => r.path === '/announce.wav', 10000);

    expect(await participants(sids[2]).remove()).toBe(true);
    await appServer.waitFor((r) => r.path === '/after' && r.body.CallSid === sids[2], 10000);
    await waitUntil(
      async () => (await callStatus(sids[2])) === 'completed',
      10000,
      'the removed call to end',
    );
    expect((await participants.list()).map((p) => p.callSid).sort()).toEqual([sids[0], sids[1]].sort());
    expect(await restError(participants(sids[2]).fetch())).toMatchObject({ status: 404, code: 20404 });

    // status=completed ends the room: the others go on with their Dial action.
    const ended = await client.conferences(sid).update({ status: 'completed' });
    expect(ended.status).toBe('completed');
    for (const callSid of sids.slice(0, 2))
      await appServer.waitFor((r) => r.path === '/after' && r.body.CallSid === callSid, 10000);
    await waitUntil(
      async () => (await client.conferences.list({ friendlyName: 'standup' })).length === 0,
      10000,
      'the room to go',
    );
    expect(await restError(client.conferences(sid).fetch())).toMatchObject({ status: 404, code: 20404 });
  });

  it('statusCallback on <Conference>: start, join, mute, hold, leave and end reach a real receiver, signed and in order', async () => {
    const receiver = await new HttpRecorder().start();
    try {
      const signed = (r: RecordedRequest) =>
        twilio.validateRequest(platform.authToken, String(r.headers['x-twilio-signature']), r.url, r.body);
      const events = `${receiver.baseUrl}/conf-events`;
      const [first] = await joinRoom('evented', [
        `statusCallback="${events}" statusCallbackEvent="start end join leave mute hold"`,
      ]);
      await liveRoom('evented', 1);
      const ignored = `statusCallback="${receiver.baseUrl}/ignored" statusCallbackEvent="join"`;
      const [second, third] = await joinRoom('evented', ['', ignored], 1);
      const sid = await liveRoom('evented', 3);
      const participants = client.conferences(sid).participants;
      await participants(second).update({ muted: true });
      await participants(third).update({ hold: true });
      await participants(third).update({ hold: false });
      await participants(third).remove();
      await client.conferences(sid).update({ status: 'completed' });
      await receiver.waitFor((r) => r.body.StatusCallbackEvent === 'conference-end', 15000);

      const got = receiver.requestsTo('/conf-events');
      expect(got.every(signed)).toBe(true);
      expect(got.map((r) => Number(r.body.SequenceNumber))).toEqual(got.map((_, i) => i + 1));
      const seen = got.map(
        (r) => `${r.body.StatusCallbackEvent}${r.body.CallSid ? ':' + r.body.CallSid : ''}`,
      );
      expect(seen.slice(0, 2)).toEqual([`participant-join:${first}`, 'conference-start']);
      expect(seen).toEqual(
        expect.arrayContaining([
          `participant-join:${second}`,
          `participant-join:${third}`,
          `participant-mute:${second}`,
          `participant-hold:${third}`,
          `participant-unhold:${third}`,
          `participant-leave:${third}`,
          `participant-leave:${first}`,
          `participant-leave:${second}`,
        ]),
      );
      expect(seen.indexOf(`participant-hold:${third}`)).toBeLessThan(
        seen.indexOf(`participant-unhold:${third}`),
      );
      expect(seen).toHaveLength(11);
      expect(seen[10]).toBe('conference-end');
      expect(got[10].body).toMatchObject({
        AccountSid: platform.accountSid,
        ConferenceSid: sid,
        FriendlyName: 'evented',
        ReasonConferenceEnded: 'conference-ended-via-api',
      });
      const muted = got.find((r) => r.body.StatusCallbackEvent === 'participant-mute')!;
      expect(muted.body).toMatchObject({ Muted: 'true', Hold: 'false', EndConferenceOnExit: 'false' });
      expect(muted.body.Timestamp).toMatch(/^\w{3}, \d{2} \w{3} \d{4} [\d:]{8} \+0000$/);
      // Only the first participant's subscription counts for the room.
      expect(receiver.requestsTo('/ignored')).toEqual([]);

      // Without statusCallbackEvent, Twilio's default: start and end only.
      const [alone] = await joinRoom('quiet', [`statusCallback="${receiver.baseUrl}/quiet"`]);
      const quiet = await liveRoom('quiet', 1);
      await client.conferences(quiet).participants(alone).update({ muted: true });
      await client.conferences(quiet).participants(alone).remove();
      const end = await receiver.waitFor(
        (r) => r.path === '/quiet' && r.body.StatusCallbackEvent === 'conference-end',
        15000,
      );
      expect(end.body).toMatchObject({
        ReasonConferenceEnded: 'last-participant-left',
        CallSidEndingConference: alone,
      });
      expect(receiver.requestsTo('/quiet').map((r) => r.body.StatusCallbackEvent)).toEqual([
        'conference-start',
        'conference-end',
      ]);
    } finally {
      await receiver.stop();
    }
  });

  it('creates participants: dials a number into a live room by its sid, and into a new room by its name; mute, hold, remove', async () => {
    const [first] = await joinRoom('sales', ['']);
    const sid = await liveRoom('sales', 1);
    const created = await client.conferences(sid).participants.create({
      from: '+15550002222',
      to: farEndUri('answer'),
      muted: true,
      beep: 'false',
      label: 'customer',
    });
    expect(created).toMatchObject({ conferenceSid: sid, status: 'queued', muted: true, label: 'customer' });
    expect(created.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    await liveRoom('sales', 2);
    const joined = await client.conferences(sid).participants(created.callSid).fetch();
    expect(joined).toMatchObject({ callSid: created.callSid, muted: true, hold: false });
    const call = await client.calls(created.callSid).fetch();
    expect(call).toMatchObject({ from: '+15550002222', to: farEndUri('answer'), status: 'in-progress' });

    expect(
      await client.conferences(sid).participants(created.callSid).update({ muted: false }),
    ).toMatchObject({
      muted: false,
    });
    const held = await client.conferences(sid).participants(created.callSid).update({ hold: true });
    expect(held.hold).toBe(true);
    await client.conferences(sid).participants(created.callSid).remove();
    await liveRoom('sales', 1);
    expect((await client.conferences(sid).participants.list()).map((p) => p.callSid)).toEqual([first]);

    const fresh = await client.conferences('brand-new-room').participants.create({
      from: '+15550003333',
      to: farEndUri('answer'),
    });
    expect(fresh.conferenceSid).toBeNull();
    const freshSid = await liveRoom('brand-new-room', 1);
    expect((await client.conferences(freshSid).participants.list()).map((p) => p.callSid)).toEqual([
      fresh.callSid,
    ]);
    expect(
      await restError(
        client.conferences(newSid('CF')).participants.create({ from: '+1555', to: farEndUri('answer') }),
      ),
    ).toMatchObject({ status: 404, code: 20404 });
    expect(
      await restError(client.conferences(sid).participants.create({ from: '+1555', to: 'not a callee' })),
    ).toMatchObject({
      status: 400,
    });
    await client.calls(first).update({ status: 'completed' });
    await client.calls(fresh.callSid).update({ status: 'completed' });
  }, 90000);

  it('refusals in Twilio shape: unknown room or participant 404, bad values 400, hold while waiting 409', async () => {
    expect(await restError(client.conferences(newSid('CF')).fetch())).toMatchObject({
      status: 404,
      code: 20404,
    });
    expect(await restError(client.conferences.list({ status: 'paused' as never }))).toMatchObject({
      status: 400,
      code: 21000,
    });
    const [waiting] = await joinRoom('lobby', ['startConferenceOnEnter="false"']);
    let sid = '';
    await waitUntil(
      async () => {
        const [room] = await client.conferences.list({ friendlyName: 'lobby', status: 'init' });
        sid = room?.sid ?? '';
        return sid !== '' && (await client.conferences(sid).participants.list()).length === 1;
      },
      20000,
      'a waiting room',
    );
    const participant = client.conferences(sid).participants(waiting);
    expect(await restError(participant.update({ hold: true }))).toMatchObject({ status: 409, code: 22303 });
    expect(await restError(participant.update({ holdUrl: 'not a url', hold: true }))).toMatchObject({
      status: 400,
      code: 21205,
    });
    expect(
      await restError(client.conferences(sid).update({ announceUrl: `${appServer.baseUrl}/announce.wav` })),
    ).toMatchObject({ status: 400 });
    expect(await restError(client.conferences(sid).participants(newSid('CA')).fetch())).toMatchObject({
      status: 404,
    });
    expect(await participant.remove()).toBe(true);
    await waitUntil(
      async () => (await callStatus(waiting)) === 'completed',
      10000,
      'the waiting call to end',
    );
    const account = await client.api.v2010.accounts(platform.accountSid).fetch();
    expect(account.subresourceUris.conferences).toBe(
      `/2010-04-01/Accounts/${platform.accountSid}/Conferences.json`,
    );
  });
});
