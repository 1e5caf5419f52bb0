import type { AppConfig } from '../../config/app-config';
import type {
  AudioDirection,
  DialTarget,
  HoldOptions,
  SnoopRequest,
  TransferProgress,
} from '../telephony-gateway.port';
import { extendedApi } from './ari-extended-api';
import type { AriRequests } from './ari-requests';
import type { AriOutboundLegs } from './ari-outbound-legs';
import { AudioSuppressions, AudioWay, directionOf, waysOf } from './audio-suppressions';

/** Stasis argument of snoop channels: they enter the app, but are never a call that came in. */
export const SNOOP_APP_ARG = 'snoop';

const TRANSFER_STATES: Record<TransferProgress, string> = {
  answered: 'channel_answered',
  declined: 'channel_declined',
  unavailable: 'channel_unavailable',
  // ARI has no state of its own for other failures; 503 is what a phone shows for "could not transfer".
  failed: 'channel_unavailable',
};

/** The PBX operations of the gateway: hold, mute, redirect, transfer progress, snoop. */
export class AriPbxOperations {
  private readonly suppressions = new AudioSuppressions();

  constructor(
    private readonly ari: AriRequests,
    private readonly config: AppConfig,
    private readonly legs: AriOutboundLegs,
  ) {}

  async mute(channelId: string, direction: AudioDirection): Promise<void> {
    await this.ari.request('Mute', (client) => client.channels.mute({ channelId, direction }));
    this.suppressions.add(channelId, 'mute', waysOf(direction));
  }

  async unmute(channelId: string, direction: AudioDirection): Promise<void> {
    await this.letThrough(channelId, this.suppressions.remove(channelId, 'mute', waysOf(direction)));
  }

  /**
   * The held phone must not reach the bridge (mute in). Asterisk's MOH generator drops the bridge's audio
   * to a phone held locally; with passthrough no generator runs, so the bridge is cut there too (mute out).
   */
  async hold(channelId: string, options: HoldOptions): Promise<void> {
    const passthrough = { channelId, variable: 'PJSIP_MOH_PASSTHROUGH()' };
    if (options.sipVisible)
      await this.ari.request('Hold', (client) =>
        client.channels.setChannelVar({ ...passthrough, value: 'yes' }),
      );
    // Only PJSIP channels have the function; any other channel is held with music, as asked.
    else
      await this.ari.quietly('Hold', (client) =>
        client.channels.setChannelVar({ ...passthrough, value: 'no' }),
      );
    const ways: AudioWay[] = options.sipVisible ? ['in', 'out'] : ['in'];
    const direction = directionOf(ways)!;
    await this.ari.request('Hold', (client) => client.channels.mute({ channelId, direction }));
    // A phone held again in the other way keeps only the cut this hold needs.
    const dropped = this.suppressions.cutBy(channelId, 'hold').filter((way) => !ways.includes(way));
    this.suppressions.add(channelId, 'hold', ways);
    await this.letThrough(channelId, this.suppressions.remove(channelId, 'hold', dropped));
    await this.ari.request('Hold', (client) => client.channels.hold({ channelId }));
  }

  async unhold(channelId: string): Promise<void> {
    await this.ari.request('Unhold', (client) => client.channels.unhold({ channelId }));
    const held = this.suppressions.cutBy(channelId, 'hold');
    await this.letThrough(
      channelId,
      this.suppressions.remove(channelId, 'hold', held.length ? held : ['in', 'out']),
    );
  }

  async redirect(channelId: string, target: DialTarget): Promise<void> {
    const endpoint = await this.legs.redirectString(target, () => this.trunkContact());
    await this.ari.request('Redirect', (client) => client.channels.redirect({ channelId, endpoint }));
  }

  async reportTransferProgress(channelId: string, progress: TransferProgress): Promise<void> {
    await this.ari.request('Transfer progress', (client) =>
      extendedApi(client).channels.transfer_progress({ channelId, states: TRANSFER_STATES[progress] }),
    );
  }

  async snoop(channelId: string, request: SnoopRequest): Promise<void> {
    await this.ari.request('Snoop', (client) =>
      client.channels.snoopChannelWithId({
        channelId,
        snoopId: request.snoopChannelId,
        spy: request.spy,
        whisper: request.whisper,
        app: this.config.ariApp,
        appArgs: SNOOP_APP_ARG,
      }),
    );
  }

  /** The channel is gone: what was cut on it goes with it. */
  forget(channelId: string): void {
    this.suppressions.forget(channelId);
  }

  private async letThrough(channelId: string, ways: AudioWay[]): Promise<void> {
    const direction = directionOf(ways);
    if (direction)
      await this.ari.request('Unmute', (client) => client.channels.unmute({ channelId, direction }));
  }

  /** The number trunk's address (the first contact of its first AOR), for phones sent to a number there. */
  private async trunkContact(): Promise<string | null> {
    const read = async (objectType: string, id: string, attribute: string) => {
      const fields = await this.ari.request('Read trunk', (client) =>
        client.asterisk.getObject({ configClass: 'res_pjsip', objectType, id }),
      );
      const value = fields.find((field) => field.attribute === attribute)?.value ?? '';
      return value.split(',')[0]?.trim() || null;
    };
    const aor = await read('endpoint', this.config.numberTrunkEndpoint, 'aors');
    return aor ? read('aor', aor, 'contact') : null;
  }
}
