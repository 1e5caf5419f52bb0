import { getRepositoryToken } from '@nestjs/typeorm';
import twilio from 'twilio';
import type { Repository } from 'typeorm';
import { CallEntity } from '../apps/platform/src/call-control/legs/call.entity';
import { farEndUri } from './factories/call-request.factory';
import { liveBridges } from './support/asterisk-inspector';
import { HttpRecorder, type RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

/**
 * Twilio's Queues through the official SDK on the real stack: the Queues resource and its Members,
 * `<Enqueue>` with its waitUrl loop, `<Leave>` and `<Dial><Queue>`, with TwiML built by VoiceResponse.
 */
describe('Queues with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;

  const { VoiceResponse } = twilio.twiml;
  const twiml = (path: string, build: (response: InstanceType<typeof VoiceResponse>) => void) => {
    const response = new VoiceResponse();
    build(response);
    return appServer.rcml(path, response.toString());
  };
  const signed = (request: RecordedRequest) =>
    twilio.validateRequest(
      platform.authToken,
      String(request.headers['x-twilio-signature']),
      request.url,
      request.body,
    );
  const call = (to: string, url: string) =>
    client.calls.create({ to: farEndUri(to), from: '+15550001111', url });
  const queueNamed = async (name: string) => {
    for (let tries = 0; tries < 100; tries++) {
      const found = (await client.queues.list()).find((queue) => queue.friendlyName === name);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`No queue ${name}`);
  };
  const membersOf = async (queueSid: string, count: number) => {
    for (let tries = 0; tries < 150; tries++) {
      const members = await client.queues(queueSid).members.list();
      if (members.length === count) return members;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Queue ${queueSid} never had ${count} members`);
  };

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    client = twilio(platform.accountSid, platform.authToken, {
      httpClient: new LocalRequestClient(`http://127.0.0.1:${port}`),
    });
  }, 60000);

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  it('creates, fetches, lists (paged), updates and deletes queues in Twilio’s shapes', async () => {
    const created = await client.queues.create({ friendlyName: 'crud-support', maxSize: 10 });
    expect(created.sid).toMatch(/^QU[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      accountSid: platform.accountSid,
      friendlyName: 'crud-support',
      maxSize: 10,
      currentSize: 0,
      averageWaitTime: 0,
      uri: `/2010-04-01/Accounts/${platform.accountSid}/Queues/${created.sid}.json`,
    });
    expect(created.dateCreated).toBeInstanceOf(Date);
    const others = [];
    for (const name of ['crud-a', 'crud-b', 'crud-c'])
      others.push(await client.queues.create({ friendlyName: name }));
    expect(others[0].maxSize).toBe(1000);

    const fetched = await client.queues(created.sid).fetch();
    expect(fetched.friendlyName).toBe('crud-support');

    // The SDK follows next_page_uri across pages of two.
    const listed = await client.queues.list({ pageSize: 2 });
    expect(listed.map((queue) => queue.sid)).toEqual(
      expect.arrayContaining([created.sid, ...others.map((queue) => queue.sid)]),
    );
    const firstPage = await client.queues.page({ pageSize: 2 });
    expect(firstPage.instances).toHaveLength(2);
    expect(firstPage.nextPageUrl).toBeTruthy();

    const updated = await client.queues(created.sid).update({ maxSize: 20, friendlyName: 'crud-renamed' });
    expect(updated).toMatchObject({ maxSize: 20, friendlyName: 'crud-renamed' });

    const duplicate = await restError(client.queues.create({ friendlyName: 'crud-a' }));
    expect(duplicate.status).toBe(400);
    const tooBig = await restError(client.queues.create({ friendlyName: 'crud-big', maxSize: 5001 }));
    expect(tooBig.status).toBe(400);
    expect(tooBig.message).toMatch(/MaxSize/);
    const nameless = await restError(client.queues.create({ friendlyName: '' }));
    expect(nameless.status).toBe(400);

    expect(await client.queues(created.sid).remove()).toBe(true);
    const gone = await restError(client.queues(created.sid).fetch());
    expect(gone.status).toBe(404);
    expect(gone.code).toBe(20404);
    const members = await client.queues(others[0].sid).members.list();
    expect(members).toEqual([]);
    const noMember = await restError(client.queues(others[0].sid).members('Front').fetch());
    expect(noMember.status).toBe(404);
  });

  it('<Enqueue> runs its waitUrl in a loop with the queue’s parameters; <Leave> sends the call to the action', async () => {
    let waits = 0;
    appServer.on('/leave-wait', () => {
      waits++;
      const response = new VoiceResponse();
      if (waits < 3) response.pause({ length: 1 });
      else response.leave();
      return { contentType: 'application/xml', body: response.toString() };
    });
    const url = twiml('/leave-enqueue.xml', (r) => {
      r.enqueue({ waitUrl: '/leave-wait', action: '/left' }, 'leave-q');
    });
    twiml('/left', (r) => r.hangup());
    const placed = await call('answer', url);
    const left = await appServer.waitFor((r) => r.path === '/left', 30000);
    const waitRequests = appServer.requestsTo('/leave-wait');
    expect(waitRequests).toHaveLength(3);
    const queue = await queueNamed('leave-q');
    for (const request of waitRequests) {
      expect(request.body).toMatchObject({
        CallSid: placed.sid,
        QueueSid: queue.sid,
        QueuePosition: '1',
        CurrentQueueSize: '1',
        MaxQueueSize: '1000',
        AvgQueueTime: expect.stringMatching(/^\d+$/),
      });
      expect(signed(request)).toBe(true);
    }
    // Each wait document paused a second: the time in the queue grows from one request to the next.
    expect(Number(waitRequests[2].body.QueueTime)).toBeGreaterThan(Number(waitRequests[0].body.QueueTime));
    expect(left.body).toMatchObject({ CallSid: placed.sid, QueueResult: 'leave', QueueSid: queue.sid });
    expect(Number(left.body.QueueTime)).toBeGreaterThanOrEqual(2);
    expect(signed(left)).toBe(true);
    expect((await client.queues(queue.sid).fetch()).currentSize).toBe(0);
  }, 40000);

  it('Members: listed in order, fetched (Front), and dequeued by an update with Url', async () => {
    twiml('/members-wait', (r) => r.pause({ length: 2 }));
    const url = twiml('/members-enqueue.xml', (r) => {
      r.enqueue({ waitUrl: '/members-wait' }, 'members-q');
    });
    twiml('/dequeued.xml', (r) => r.hangup());
    const first = await call('answer', url);
    const queue = await queueNamed('members-q');
    await membersOf(queue.sid, 1);
    const second = await call('answer', url);
    const members = await membersOf(queue.sid, 2);
    expect(members.map((member) => [member.callSid, member.position])).toEqual([
      [first.sid, 1],
      [second.sid, 2],
    ]);
    expect(members[0].queueSid).toBe(queue.sid);
    expect(members[0].dateEnqueued).toBeInstanceOf(Date);
    expect((await client.queues(queue.sid).fetch()).currentSize).toBe(2);
    expect((await client.queues(queue.sid).members('Front').fetch()).callSid).toBe(first.sid);

    const dequeued = await client
      .queues(queue.sid)
      .members(second.sid)
      .update({ url: `${appServer.baseUrl}/dequeued.xml`, method: 'POST' });
    expect(dequeued).toMatchObject({ callSid: second.sid, position: 2 });
    const redirected = await appServer.waitFor(
      (r) => r.path === '/dequeued.xml' && r.body.CallSid === second.sid,
      15000,
    );
    expect(redirected.body).toMatchObject({ QueueResult: 'redirected', QueueSid: queue.sid });
    expect(signed(redirected)).toBe(true);
    expect((await membersOf(queue.sid, 1))[0].callSid).toBe(first.sid);

    await client
      .queues(queue.sid)
      .members('Front')
      .update({ url: `${appServer.baseUrl}/dequeued.xml` });
    await appServer.waitFor((r) => r.path === '/dequeued.xml' && r.body.CallSid === first.sid, 15000);
    await membersOf(queue.sid, 0);
    const bad = await restError(client.queues(queue.sid).members('Front').update({ url: 'not a url' }));
    expect(bad.status).toBe(400);
  }, 60000);

  it('<Dial><Queue> bridges the first member after running its url on it; the member then goes to its action', async () => {
    twiml('/agent-wait', (r) => r.pause({ length: 2 }));
    const memberUrl = twiml('/member.xml', (r) => {
      r.enqueue({ waitUrl: '/agent-wait', action: '/member-after' }, 'agents-q');
    });
    twiml('/member-after', (r) => r.hangup());
    twiml('/about-to-connect', (r) => r.say('Connecting you to an agent'));
    const agentUrl = twiml('/agent.xml', (r) => {
      r.dial({ action: '/agent-dialed' }).queue({ url: '/about-to-connect' }, 'agents-q');
    });
    twiml('/agent-dialed', (r) => r.hangup());
    const member = await call('answer', memberUrl);
    const queue = await queueNamed('agents-q');
    await membersOf(queue.sid, 1);
    // The agent's far end hangs up four seconds after it answers.
    const agent = await call('answer-4s', agentUrl);

    const connecting = await appServer.waitFor((r) => r.path === '/about-to-connect', 20000);
    expect(connecting.body).toMatchObject({
      CallSid: member.sid,
      QueueSid: queue.sid,
      DequeingCallSid: agent.sid,
      QueueTime: expect.stringMatching(/^\d+$/),
    });
    expect(signed(connecting)).toBe(true);

    // On Asterisk: one bridge holds both calls' channels.
    const calls = platform.app.get<Repository<CallEntity>>(getRepositoryToken(CallEntity));
    const channels = async () =>
      (await calls.findBy([{ sid: member.sid }, { sid: agent.sid }])).map((record) => record.channelId);
    let bridged = false;
    for (let tries = 0; tries < 100 && !bridged; tries++) {
      const ids = await channels();
      bridged = (await liveBridges()).some((bridge) => ids.every((id) => id && bridge.channels.includes(id)));
      if (!bridged) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(bridged).toBe(true);
    await membersOf(queue.sid, 0);

    const after = await appServer.waitFor((r) => r.path === '/member-after', 20000);
    expect(after.body).toMatchObject({ CallSid: member.sid, QueueResult: 'bridged', QueueSid: queue.sid });
    expect(signed(after)).toBe(true);
    expect((await client.calls(agent.sid).fetch()).status).toBe('completed');
  }, 60000);

  it('<Dial><Queue> with the member hanging up: the dialer’s action hears DialCallSid and DialBridged', async () => {
    // No waitUrl: the member hears music on hold; its action hears of the hangup.
    const memberUrl = twiml('/short-member.xml', (r) => {
      r.enqueue({ action: '/short-member-after' }, 'short-q');
    });
    appServer.on('/short-member-after', { status: 204 });
    const agentUrl = twiml('/short-agent.xml', (r) => {
      r.dial({ action: '/short-dialed', timeout: 20 }).queue('short-q');
    });
    twiml('/short-dialed', (r) => r.hangup());
    // The agent waits first: the queue is empty until the member (who hangs up 4 s after answering) joins.
    await client.queues.create({ friendlyName: 'short-q' });
    const agent = await call('answer', agentUrl);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const member = await call('answer-4s', memberUrl);
    const dialed = await appServer.waitFor((r) => r.path === '/short-dialed', 30000);
    expect(dialed.body).toMatchObject({
      CallSid: agent.sid,
      DialCallSid: member.sid,
      DialCallStatus: 'completed',
      DialBridged: 'true',
      QueueSid: expect.stringMatching(/^QU[0-9a-f]{32}$/),
    });
    expect(Number(dialed.body.DialCallDuration)).toBeGreaterThanOrEqual(1);
    expect(signed(dialed)).toBe(true);
    // Bridged, then the member hung up: its action is told the queue result was bridged.
    const memberAfter = await appServer.waitFor((r) => r.path === '/short-member-after', 10000);
    expect(memberAfter.body).toMatchObject({ CallSid: member.sid, QueueResult: 'bridged' });
  }, 60000);

  it('a caller who hangs up in the queue: the action hears QueueResult=hangup', async () => {
    const url = twiml('/hangup-member.xml', (r) => {
      r.enqueue({ action: '/hangup-after' }, 'hangup-q');
    });
    appServer.on('/hangup-after', { status: 204 });
    const member = await call('answer-4s', url);
    const queue = await queueNamed('hangup-q');
    expect((await membersOf(queue.sid, 1))[0].callSid).toBe(member.sid);
    const after = await appServer.waitFor((r) => r.path === '/hangup-after', 20000);
    expect(after.body).toMatchObject({ CallSid: member.sid, QueueResult: 'hangup', QueueSid: queue.sid });
    expect(Number(after.body.QueueTime)).toBeGreaterThanOrEqual(2);
    expect(signed(after)).toBe(true);
    await membersOf(queue.sid, 0);
  }, 30000);

  it('<Dial><Queue> on a queue that does not exist fails at once: DialCallStatus=failed, DialBridged=false', async () => {
    const url = twiml('/nobody.xml', (r) => {
      r.dial({ action: '/nobody-dialed' }).queue('no-such-queue');
    });
    twiml('/nobody-dialed', (r) => r.hangup());
    await call('answer', url);
    const dialed = await appServer.waitFor((r) => r.path === '/nobody-dialed', 20000);
    expect(dialed.body).toMatchObject({ DialCallStatus: 'failed', DialBridged: 'false' });
  }, 30000);
});
