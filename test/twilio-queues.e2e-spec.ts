import twilio from 'twilio';
import { HttpRecorder } from './support/http-recorder';
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
});
