import type * as ari from 'ari-client';
import { loadConfig } from '../../config/app-config';
import { TelephonyError } from '../telephony-gateway.port';
import { AriOutboundLegs } from './ari-outbound-legs';
import { AriPbxOperations } from './ari-pbx-operations';
import type { AriRequests } from './ari-requests';

/** Records every ARI call as "resource.operation {params}"; a channel variable set fails on non-PJSIP channels. */
class RecordingAri implements AriRequests {
  readonly calls: string[] = [];
  aorContact = 'sip:127.0.0.1:5070';
  private readonly client = new Proxy(
    {},
    {
      get: (_target, resource: string) =>
        new Proxy(
          {},
          {
            get: (_inner, operation: string) => async (params: Record<string, unknown>) => {
              this.calls.push(`${resource}.${operation} ${JSON.stringify(params)}`);
              if (operation === 'setChannelVar' && String(params.channelId).startsWith('Snoop'))
                throw new Error('Function PJSIP_MOH_PASSTHROUGH not valid here');
              if (operation === 'getObject')
                return params.objectType === 'endpoint'
                  ? [{ attribute: 'aors', value: 'carrier' }]
                  : [{ attribute: 'contact', value: this.aorContact }];
              return undefined;
            },
          },
        ),
    },
  ) as ari.Client;

  async request<T>(what: string, send: (client: ari.Client) => Promise<T>): Promise<T> {
    try {
      return await send(this.client);
    } catch (error) {
      throw new TelephonyError(`${what} failed: ${(error as Error).message}`);
    }
  }
  async quietly(what: string, send: (client: ari.Client) => Promise<unknown>): Promise<void> {
    await this.request(what, send).catch(() => undefined);
  }
}

describe('AriPbxOperations', () => {
  let ari: RecordingAri;
  let pbx: AriPbxOperations;

  beforeEach(() => {
    ari = new RecordingAri();
    const config = loadConfig({});
    pbx = new AriPbxOperations(
      ari,
      config,
      new AriOutboundLegs(ari, config, { traceSetup: () => undefined }),
    );
  });

  it('holds SIP-visibly: passthrough on, the phone cut from the bridge both ways, then hold', async () => {
    await pbx.hold('alice', { sipVisible: true });
    expect(ari.calls).toEqual([
      'channels.setChannelVar {"channelId":"alice","variable":"PJSIP_MOH_PASSTHROUGH()","value":"yes"}',
      'channels.mute {"channelId":"alice","direction":"both"}',
      'channels.hold {"channelId":"alice"}',
    ]);
    ari.calls.length = 0;
    await pbx.unhold('alice');
    expect(ari.calls).toEqual([
      'channels.unhold {"channelId":"alice"}',
      'channels.unmute {"channelId":"alice","direction":"both"}',
    ]);
  });

  it('holds with music from Asterisk: no passthrough, only the way into the bridge cut', async () => {
    await pbx.hold('alice', { sipVisible: false });
    expect(ari.calls).toEqual([
      'channels.setChannelVar {"channelId":"alice","variable":"PJSIP_MOH_PASSTHROUGH()","value":"no"}',
      'channels.mute {"channelId":"alice","direction":"in"}',
      'channels.hold {"channelId":"alice"}',
    ]);
  });

  it('holds a channel that is not PJSIP with music', async () => {
    await pbx.hold('Snoop-1', { sipVisible: false });
    expect(ari.calls.at(-1)).toBe('channels.hold {"channelId":"Snoop-1"}');
  });

  it('keeps a phone the application muted muted after unhold', async () => {
    await pbx.mute('alice', 'in');
    await pbx.hold('alice', { sipVisible: true });
    ari.calls.length = 0;
    await pbx.unhold('alice');
    expect(ari.calls).toEqual([
      'channels.unhold {"channelId":"alice"}',
      'channels.unmute {"channelId":"alice","direction":"out"}',
    ]);
  });

  it('keeps a held phone cut from the bridge when the application unmutes it', async () => {
    await pbx.hold('alice', { sipVisible: false });
    await pbx.mute('alice', 'both');
    ari.calls.length = 0;
    await pbx.unmute('alice', 'both');
    expect(ari.calls).toEqual(['channels.unmute {"channelId":"alice","direction":"out"}']);
  });

  it('lets audio through again when a SIP-visible hold is redone with music', async () => {
    await pbx.hold('alice', { sipVisible: true });
    ari.calls.length = 0;
    await pbx.hold('alice', { sipVisible: false });
    expect(ari.calls).toContain('channels.unmute {"channelId":"alice","direction":"out"}');
  });

  it('redirects to a SIP URI, a SIP user, or a number at the trunk, as REFER targets', async () => {
    await pbx.redirect('bob', { kind: 'sip', uri: 'sip:carol@127.0.0.1:5090' });
    await pbx.redirect('bob', { kind: 'sip-user', dialString: 'PJSIP/alice' });
    await pbx.redirect('bob', { kind: 'number', number: '+15550001111' });
    expect(ari.calls.filter((call) => call.startsWith('channels.redirect'))).toEqual([
      'channels.redirect {"channelId":"bob","endpoint":"PJSIP/sip:carol@127.0.0.1:5090"}',
      'channels.redirect {"channelId":"bob","endpoint":"PJSIP/alice"}',
      'channels.redirect {"channelId":"bob","endpoint":"PJSIP/sip:+15550001111@127.0.0.1:5070"}',
    ]);
  });

  it('refuses a redirect target that could inject SIP headers', async () => {
    await expect(pbx.redirect('bob', { kind: 'sip', uri: 'sip:carol@host\r\nX-Evil: 1' })).rejects.toThrow(
      TelephonyError,
    );
    expect(ari.calls).toEqual([]);
  });

  it.each([
    ['answered', 'channel_answered'],
    ['declined', 'channel_declined'],
    ['unavailable', 'channel_unavailable'],
    ['failed', 'channel_unavailable'],
  ] as const)('reports transfer progress %s as %s', async (progress, states) => {
    await pbx.reportTransferProgress('alice', progress);
    expect(ari.calls).toEqual([`channels.transfer_progress {"channelId":"alice","states":"${states}"}`]);
  });

  it('snoops into the platform app with a Stasis argument that marks the channel as a snoop', async () => {
    await pbx.snoop('alice', { snoopChannelId: 'snoop-1', spy: 'both', whisper: 'none' });
    expect(ari.calls).toEqual([
      'channels.snoopChannelWithId {"channelId":"alice","snoopId":"snoop-1","spy":"both","whisper":"none","app":"callwright","appArgs":"snoop"}',
    ]);
  });
});
