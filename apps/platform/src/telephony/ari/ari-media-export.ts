import type { AppConfig } from '../../config/app-config';
import { TelephonyError, type MediaExport, type MediaExportRequest } from '../telephony-gateway.port';
import type { AriEventJson } from './ari-event-mapper';
import { readChannelVariable, type AriRequests } from './ari-requests';

/** Stasis argument of the snoops that feed an export: they enter the app, but are never a call. */
export const EXPORT_SNOOP_APP_ARG = 'media-export';
/** How long the export's channels may take to enter the app before the export is given up. */
const ENTER_TIMEOUT_MS = 5000;

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * A channel's audio out of Asterisk through ARI `externalMedia` (chan_rtp: a UnicastRTP channel that
 * sends the audio it is given as RTP to a UDP address and plays what comes back from there). The
 * UnicastRTP channel is bridged with a snoop of the call (listening beside it) or with the call itself
 * (connected: the call hears what comes back). Plain RTP over UDP: no transcoding (mu-law end to end),
 * no TCP head-of-line blocking, one packet per 20 ms frame the moment the bridge has it.
 */
export class AriMediaExport {
  /** The export's own channels (external media, snoop), with whoever waits for them to enter the app. */
  private readonly channels = new Map<string, Waiter | null>();

  constructor(
    private readonly ari: AriRequests,
    private readonly config: AppConfig,
  ) {}

  /** Handles the export channels' own events; true when `raw` was one of them. */
  handle(raw: AriEventJson): boolean {
    const id = raw.channel?.id;
    if (!id || !this.channels.has(id)) return false;
    const waiter = this.channels.get(id);
    if (raw.type === 'StasisStart') {
      this.channels.set(id, null);
      waiter?.resolve();
    } else if (raw.type === 'ChannelDestroyed') {
      this.channels.delete(id);
      waiter?.reject(new TelephonyError('Media export channel hung up before it started'));
    }
    return true;
  }

  async start(channelId: string, request: MediaExportRequest): Promise<MediaExport> {
    const exportId = request.exportChannelId;
    const bridgeId = `${exportId}-bridge`;
    const snoopId = request.mode.kind === 'listen' ? `${exportId}-snoop` : null;
    const own = snoopId ? [exportId, snoopId] : [exportId];
    const entered = own.map((id) => this.entered(id));
    // Awaited only once the channels are asked for; a request that fails first must not leave them unhandled.
    for (const waiting of entered) waiting.catch(() => undefined);
    const stop = () => this.stop(channelId, bridgeId, own, request.mode.kind === 'connect');
    try {
      await this.ari.request('Create media export', (client) =>
        client.channels.externalMedia({
          channelId: exportId,
          app: this.config.ariApp,
          external_host: request.rtpAddress,
          encapsulation: 'rtp',
          transport: 'udp',
          format: 'ulaw',
          direction: 'both',
        } as Parameters<typeof client.channels.externalMedia>[0]),
      );
      if (request.mode.kind === 'listen' && snoopId)
        await this.ari.request('Snoop for media export', (client) =>
          client.channels.snoopChannelWithId({
            channelId,
            snoopId,
            spy: request.mode.kind === 'listen' ? request.mode.track : 'in',
            whisper: 'none',
            app: this.config.ariApp,
            appArgs: EXPORT_SNOOP_APP_ARG,
          }),
        );
      await Promise.all(entered);
      await this.ari.request('Create media export bridge', (client) =>
        client.bridges.create({ bridgeId, type: 'mixing' }),
      );
      await this.ari.request('Join media export', (client) =>
        client.bridges.addChannel({ bridgeId, channel: [snoopId ?? channelId, exportId] }),
      );
      const host = await readChannelVariable(this.ari, exportId, 'UNICASTRTP_LOCAL_ADDRESS');
      const port = await readChannelVariable(this.ari, exportId, 'UNICASTRTP_LOCAL_PORT');
      return { asteriskRtpAddress: `${host || '127.0.0.1'}:${port}`, stop };
    } catch (error) {
      await stop();
      throw error;
    }
  }

  private entered(id: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TelephonyError('Media export channel did not enter the app')),
        ENTER_TIMEOUT_MS,
      );
      this.channels.set(id, {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }

  private async stop(channelId: string, bridgeId: string, own: string[], connected: boolean): Promise<void> {
    if (connected)
      await this.ari.quietly('Leave media export', (client) =>
        client.bridges.removeChannel({ bridgeId, channel: channelId }),
      );
    for (const id of own)
      await this.ari.quietly('End media export', (client) => client.channels.hangup({ channelId: id }));
    await this.ari.quietly('End media export bridge', (client) => client.bridges.destroy({ bridgeId }));
  }
}
