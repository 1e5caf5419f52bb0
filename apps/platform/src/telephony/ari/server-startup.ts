import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ServerClaims } from '../ownership/server-locks';
import type { ServerGateway } from './asterisk-server-registry';

type Lifecycle = Partial<OnApplicationBootstrap & OnApplicationShutdown>;

/**
 * When each server's ARI gateway starts and when the platform hears "connected". Without claims (one
 * node) every server starts at boot. With claims (several nodes on PostgreSQL) a server starts only
 * once this node holds it: only the holder subscribes to its Stasis app. The first "connected" waits
 * for every server held at boot (or the grace time), so the restart recovery sees all of their
 * inventories; a server taken over later is announced on its own, for its calls to be re-adopted.
 */
export class ServerStartup {
  private readonly logger = new Logger('AsteriskServers');
  private readonly connectedListeners: Array<() => void> = [];
  private readonly takeoverListeners: Array<(server: string) => void> = [];
  private readonly started = new Set<ServerGateway>();
  /** Servers taken over after boot whose first connection is still owed its announcement. */
  private readonly takenOver = new Set<ServerGateway>();
  private ready = false;
  private graceTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly servers: ServerGateway[],
    private readonly claims: ServerClaims | null,
    private readonly graceMs: number,
  ) {
    for (const server of servers) server.gateway.onConnected(() => this.serverConnected(server));
  }

  onConnected(listener: () => void): void {
    this.connectedListeners.push(listener);
  }

  onServerTakenOver(listener: (server: string) => void): void {
    this.takeoverListeners.push(listener);
  }

  /** Whether this node holds the server's events (always, without claims). */
  holds(server: ServerGateway): boolean {
    return this.claims === null || this.claims.holds(server.name);
  }

  async bootstrap(): Promise<void> {
    this.graceTimer = setTimeout(() => this.goAheadWithConnected(), this.graceMs);
    this.graceTimer.unref();
    if (!this.claims) {
      for (const server of this.servers) this.startServer(server);
      return;
    }
    await this.claims.start(
      this.servers.map(({ name }) => name),
      (name) => {
        const server = this.servers.find((candidate) => candidate.name === name);
        if (!server) return;
        if (this.ready) this.takenOver.add(server);
        this.startServer(server);
      },
    );
    // Holding nothing (more nodes than servers): nothing to wait for.
    if (this.started.size === 0) this.goAhead();
  }

  async shutdown(): Promise<void> {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    await this.claims?.stop();
    await Promise.all(
      [...this.started].map(({ gateway }) => (gateway as Lifecycle).onApplicationShutdown?.()),
    );
  }

  private startServer(server: ServerGateway): void {
    if (this.started.has(server)) return;
    this.started.add(server);
    void (server.gateway as Lifecycle).onApplicationBootstrap?.();
  }

  private serverConnected(server: ServerGateway): void {
    if (!this.ready) {
      if ([...this.started].every(({ gateway }) => gateway.isConnected())) this.goAhead();
      return;
    }
    this.logger.log(`Asterisk server ${server.name} is in rotation`);
    for (const listener of this.connectedListeners) listener();
    if (this.takenOver.delete(server)) for (const listener of this.takeoverListeners) listener(server.name);
  }

  private goAheadWithConnected(): void {
    if (this.ready || ![...this.started].some(({ gateway }) => gateway.isConnected())) return;
    const missing = [...this.started].filter(({ gateway }) => !gateway.isConnected()).map(({ name }) => name);
    this.logger.warn(`Asterisk servers ${missing.join(', ')} do not answer: going ahead without them`);
    this.goAhead();
  }

  private goAhead(): void {
    if (this.ready) return;
    this.ready = true;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    for (const listener of this.connectedListeners) listener();
  }
}
