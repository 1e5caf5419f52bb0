import { TelephonyError, type TelephonyGateway } from '../telephony-gateway.port';

/** One Asterisk server behind the port: its name (stored on call records) and its own ARI gateway. */
export interface ServerGateway {
  name: string;
  gateway: TelephonyGateway;
}

/**
 * Where each channel, bridge, playback and recording lives, so every operation goes to the Asterisk that
 * holds it: learned when the platform places them, from events and incoming calls, and from each server's
 * inventory after a restart. Ids are the platform's own (`cw-<uuid>`), unique across servers.
 */
export class AsteriskServerRegistry {
  private readonly channels = new Map<string, ServerGateway>();
  private readonly bridges = new Map<string, ServerGateway>();
  /** Playback ids and recording names. */
  private readonly media = new Map<string, ServerGateway>();
  /** CallSid → its channel (and back), from channel labels: a leg placed for a call goes where it is. */
  private readonly calls = new Map<string, string>();
  private readonly callOfChannel = new Map<string, string>();
  /** Channels some part of the platform watches: the live load of each server. */
  private readonly watched = new Map<string, number>();

  constructor(readonly servers: ServerGateway[]) {
    if (servers.length === 0) throw new Error('No Asterisk server configured');
  }

  byName(name: string): ServerGateway | undefined {
    return this.servers.find((server) => server.name === name);
  }

  placeChannel(channelId: string, server: ServerGateway): void {
    this.channels.set(channelId, server);
  }

  channelServer(channelId: string): ServerGateway | undefined {
    return this.channels.get(channelId);
  }

  /** The server of a channel the platform acts on; unknown means it never was one of this process's. */
  requireChannel(channelId: string): ServerGateway {
    const server = this.channels.get(channelId);
    if (!server) throw new TelephonyError(`Channel ${channelId} is on no known Asterisk server`);
    return server;
  }

  forgetChannel(channelId: string): void {
    this.channels.delete(channelId);
    this.watched.delete(channelId);
    const callSid = this.callOfChannel.get(channelId);
    this.callOfChannel.delete(channelId);
    if (callSid && this.calls.get(callSid) === channelId) this.calls.delete(callSid);
  }

  placeBridge(bridgeId: string, server: ServerGateway): void {
    this.bridges.set(bridgeId, server);
  }

  bridgeServer(bridgeId: string): ServerGateway | undefined {
    return this.bridges.get(bridgeId);
  }

  forgetBridge(bridgeId: string): void {
    this.bridges.delete(bridgeId);
  }

  placeMedia(id: string, server: ServerGateway): void {
    this.media.set(id, server);
  }

  mediaServer(id: string): ServerGateway | undefined {
    return this.media.get(id);
  }

  forgetMedia(id: string): void {
    this.media.delete(id);
  }

  placeCall(callSid: string, channelId: string): void {
    this.calls.set(callSid, channelId);
    this.callOfChannel.set(channelId, callSid);
  }

  callServer(callSid: string | undefined): ServerGateway | undefined {
    const channelId = callSid ? this.calls.get(callSid) : undefined;
    return channelId ? this.channels.get(channelId) : undefined;
  }

  watch(channelId: string): void {
    this.watched.set(channelId, (this.watched.get(channelId) ?? 0) + 1);
  }

  unwatch(channelId: string): void {
    const count = (this.watched.get(channelId) ?? 0) - 1;
    if (count > 0) this.watched.set(channelId, count);
    else this.watched.delete(channelId);
  }

  /** Live watched channels per server. */
  load(server: ServerGateway): number {
    let count = 0;
    for (const channelId of this.watched.keys()) if (this.channels.get(channelId) === server) count++;
    return count;
  }

  /**
   * A new call goes to the least-loaded server whose ARI answers (first in configuration order on a tie);
   * a server that stopped answering is out of rotation until it is back.
   */
  leastLoaded(): ServerGateway {
    let best: ServerGateway | null = null;
    let bestLoad = Infinity;
    for (const server of this.servers) {
      if (!server.gateway.isConnected()) continue;
      const load = this.load(server);
      if (load < bestLoad) [best, bestLoad] = [server, load];
    }
    if (!best) throw new TelephonyError('Asterisk is not connected');
    return best;
  }
}
