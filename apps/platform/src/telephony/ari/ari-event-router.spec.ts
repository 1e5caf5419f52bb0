import { Logger } from '@nestjs/common';
import type * as ari from 'ari-client';
import type { ChannelEvent } from '../telephony-gateway.port';
import { AriEventRouter } from './ari-event-router';
import type { AriRequests } from './ari-requests';
import { ChannelWatchRegistry } from './channel-watch-registry';

/** ARI as the router sees it: channel variables answered when the test says so, and a channel list. */
class ControlledAri implements AriRequests {
  readonly variableReads: Array<{ channelId: string; variable: string; answer: (value: string) => void }> =
    [];
  channels: Array<{ id: string; protocol_id?: string }> = [];
  private readonly client = {
    channels: {
      getChannelVar: ({ channelId, variable }: { channelId: string; variable: string }) =>
        new Promise((resolve) =>
          this.variableReads.push({ channelId, variable, answer: (value) => resolve({ value }) }),
        ),
      list: async () => this.channels,
    },
  } as unknown as ari.Client;

  request<T>(_what: string, send: (client: ari.Client) => Promise<T>): Promise<T> {
    return send(this.client);
  }
  async quietly(what: string, send: (client: ari.Client) => Promise<unknown>): Promise<void> {
    await this.request(what, send).catch(() => undefined);
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AriEventRouter', () => {
  beforeAll(() => Logger.overrideLogger(false));

  let ari: ControlledAri;
  let watches: ChannelWatchRegistry;
  let router: AriEventRouter;
  let seen: ChannelEvent[];

  beforeEach(() => {
    ari = new ControlledAri();
    watches = new ChannelWatchRegistry();
    router = new AriEventRouter(watches, ari);
    seen = [];
    watches.watch('leg-b', (event) => seen.push(event));
  });

  const dial = (dialstatus: string) =>
    router.route({ type: 'Dial', dialstatus, peer: { id: 'leg-b', name: 'PJSIP/outbound-00000007' } });

  it('reads the status line of each provisional response from the channel, and keeps later events behind it', async () => {
    dial('RINGING');
    router.route({ type: 'ChannelStateChange', channel: { id: 'leg-b', state: 'Ringing' } });
    expect(seen).toEqual([]);
    expect(ari.variableReads.map((read) => [read.channelId, read.variable])).toEqual([
      ['leg-b', 'HANGUPCAUSE(PJSIP/outbound-00000007,tech)'],
    ]);
    ari.variableReads[0].answer('SIP 180 Ringing Loudly');
    await settle();
    expect(seen).toEqual([
      { kind: 'setup-response', sipCode: 180, statusLine: 'SIP/2.0 180 Ringing Loudly' },
      { kind: 'ringing' },
    ]);

    router.route({ type: 'ChannelStateChange', channel: { id: 'leg-b', state: 'Up' } });
    expect(seen.at(-1)).toEqual({ kind: 'answered', sipCallId: undefined });
  });

  it('counts one response read twice once (chan_pjsip keeps only the latest)', async () => {
    dial('RINGING');
    dial('PROGRESS');
    ari.variableReads[1].answer('SIP 183 Session Progress');
    ari.variableReads[0].answer('SIP 183 Session Progress');
    await settle();
    expect(seen).toEqual([
      { kind: 'setup-response', sipCode: 183, statusLine: 'SIP/2.0 183 Session Progress' },
    ]);
  });

  it('reads a traced leg while it rings: 100, a 407 Asterisk answers and a 3xx it follows become lines, until the answer', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      router.traceSetup('leg-b', 'PJSIP/1005-00000002', 30);
      const answerNext = async (value: string) => {
        ari.variableReads.at(-1)!.answer(value);
        await settle();
        jest.advanceTimersByTime(100);
      };
      for (const cause of ['', 'SIP 100 Trying', 'SIP 100 Trying', 'SIP 407 Proxy Authentication Required'])
        await answerNext(cause);
      await answerNext('SIP 302 Moved Temporarily');
      await answerNext('SIP 200 OK');
      expect(
        ari.variableReads.every((read) => read.variable === 'HANGUPCAUSE(PJSIP/1005-00000002,tech)'),
      ).toBe(true);
      router.route({ type: 'ChannelStateChange', channel: { id: 'leg-b', state: 'Up' } });
      const reads = ari.variableReads.length;
      jest.advanceTimersByTime(1000);
      expect(ari.variableReads.length).toBeLessThanOrEqual(reads + 1);
      ari.variableReads.at(-1)!.answer('SIP 200 OK');
      await settle();
      jest.advanceTimersByTime(1000);
      expect(ari.variableReads.length).toBeLessThanOrEqual(reads + 1);
      expect(seen).toEqual([
        { kind: 'setup-response', sipCode: 100, statusLine: 'SIP/2.0 100 Trying' },
        { kind: 'setup-response', sipCode: 407, statusLine: 'SIP/2.0 407 Proxy Authentication Required' },
        { kind: 'setup-response', sipCode: 302, statusLine: 'SIP/2.0 302 Moved Temporarily' },
        { kind: 'answered', sipCallId: undefined },
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('asks nothing about a channel nobody watches', () => {
    router.route({ type: 'Dial', dialstatus: 'RINGING', peer: { id: 'someone-else' } });
    expect(ari.variableReads).toEqual([]);
  });

  it('finds the channel an attended REFER replaces by the Call-ID of its dialog, among watched channels', async () => {
    const transfers: ChannelEvent[] = [];
    watches.watch('dave-1', (event) => transfers.push(event));
    watches.watch('dave-2', () => undefined);
    ari.channels = [
      { id: 'stranger', protocol_id: 'other-call' },
      { id: 'dave-2', protocol_id: 'S3mr5S8f1I' },
    ];
    const refer = {
      type: 'ChannelTransfer',
      refer_to: { requested_destination: { protocol_id: 'S3mr5S8f1I' } },
      referred_by: { source_channel: { id: 'dave-1' } },
    };
    router.route(refer);
    router.route({ ...refer, state: 'channel_answered' });
    ari.channels = [{ id: 'unwatched', protocol_id: 'gone-call' }];
    router.route({ ...refer, refer_to: { requested_destination: { protocol_id: 'gone-call' } } });
    await settle();
    expect(transfers).toEqual([
      { kind: 'transfer-requested', transfer: { mode: 'attended', replacesChannelId: 'dave-2' } },
      { kind: 'transfer-requested', transfer: { mode: 'attended', replacesChannelId: null } },
    ]);
  });
});
