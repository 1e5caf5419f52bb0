import {
  AnsweringApp,
  AsteriskServer,
  callThroughKamailio,
  dispatcherFlags,
  killServer,
  restoreStack,
  startAnsweringApp,
  startScaleStack,
  stopServer,
  waitFor,
} from './support/scale-stack';

/**
 * The local scale-out stack (asterisk/stack.sh with CALLWRIGHT_PLATFORM_ASTERISKS=2): two platform
 * Asterisk servers, Kamailio on 127.0.0.1:5090 in front. Real SIPp calls go through Kamailio; a Stasis
 * app of the test's own on each server answers them and counts where they landed.
 */
jest.setTimeout(180000);

describe('scale-out: Kamailio in front of two Asterisk servers', () => {
  let servers: AsteriskServer[];
  let apps: AnsweringApp[] = [];

  beforeAll(async () => {
    servers = await startScaleStack();
  });

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
  });

  afterAll(async () => {
    await restoreStack();
  });

  async function info(server: AsteriskServer) {
    const auth = Buffer.from(`${server.ariUsername}:${server.ariPassword}`).toString('base64');
    const response = await fetch(`${server.ariUrl}/ari/asterisk/info`, {
      headers: { Authorization: `Basic ${auth}` },
    });
    return (await response.json()) as { system: { entity_id: string }; status: { startup_time: string } };
  }

  async function answerOnEveryServer(): Promise<void> {
    apps = await Promise.all(servers.map((server) => startAnsweringApp(server)));
  }

  it('names two servers with distinct ARI and SIP addresses and entity ids', async () => {
    expect(servers.map((server) => [server.name, server.ariUrl, server.sipAddress])).toEqual([
      ['ast1', 'http://127.0.0.1:8088', '127.0.0.1:5060'],
      ['ast2', 'http://127.0.0.1:8188', '127.0.0.1:5160'],
    ]);
    const ids = await Promise.all(
      servers.map(async (server) => {
        const auth = Buffer.from(`${server.ariUsername}:${server.ariPassword}`).toString('base64');
        const response = await fetch(`${server.ariUrl}/ari/asterisk/info`, {
          headers: { Authorization: `Basic ${auth}` },
        });
        const info = (await response.json()) as { system: { entity_id: string } };
        return info.system.entity_id;
      }),
    );
    expect(ids).toEqual(['02:00:00:00:00:01', '02:00:00:00:00:02']);
  });

  it('spreads 40 inbound calls through Kamailio over both servers', async () => {
    await waitFor(
      async () => Object.values(await dispatcherFlags()).every((flags) => flags.startsWith('A')),
      15000,
      'both servers active',
    );
    await answerOnEveryServer();
    const result = await callThroughKamailio({ dialed: '4155550100', calls: 40, rate: 10, talkMs: 500 });
    expect({ exitCode: result.exitCode, answered: result.answered.length }).toEqual({
      exitCode: 0,
      answered: 40,
    });
    const perServer = apps.map((app) => app.channels.length);
    expect(perServer[0] + perServer[1]).toBe(40);
    // Round-robin: each server takes about half.
    expect(Math.min(...perServer)).toBeGreaterThanOrEqual(15);
  });

  it('takes a stopped server out of rotation; new calls still succeed on the other', async () => {
    const ast1Started = (await info(servers[0])).status.startup_time;
    await stopServer('ast2');
    await waitFor(
      async () => (await dispatcherFlags())['sip:127.0.0.1:5160']?.startsWith('I') ?? false,
      15000,
      'ast2 inactive',
    );
    apps = [await startAnsweringApp(servers[0])];
    const result = await callThroughKamailio({ dialed: '4155550101', calls: 10, rate: 5, talkMs: 300 });
    expect({ exitCode: result.exitCode, answered: result.answered.length }).toEqual({
      exitCode: 0,
      answered: 10,
    });
    expect(apps[0].channels).toHaveLength(10);

    // Back up: it answers the probes again and rejoins.
    await startScaleStack();
    await waitFor(
      async () => (await dispatcherFlags())['sip:127.0.0.1:5160']?.startsWith('A') ?? false,
      15000,
      'ast2 active again',
    );
    // Only the missing server was started: ast1 (and its calls) kept running.
    expect((await info(servers[0])).status.startup_time).toBe(ast1Started);
  });

  it('moves a call sent to a server that just crashed, before the probes noticed, to the other one', async () => {
    await waitFor(
      async () => Object.values(await dispatcherFlags()).every((flags) => flags.startsWith('A')),
      15000,
      'both servers active',
    );
    apps = [await startAnsweringApp(servers[0])];
    await killServer('ast2');
    // Right away: round-robin still hands every other call to ast2, which stays silent; each of those
    // is given up after Kamailio's 1.5 s and tried on ast1.
    const result = await callThroughKamailio({ dialed: '4155550102', calls: 4, rate: 10, talkMs: 300 });
    expect({ exitCode: result.exitCode, answered: result.answered.length }).toEqual({
      exitCode: 0,
      answered: 4,
    });
    expect(apps[0].channels).toHaveLength(4);
    await startScaleStack();
  });
});
