import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../config/app-config';

/**
 * The whole API also over HTTPS when HTTPS_PORT is set (the sipX-style callcontroller trusts HTTPS requests
 * from its trusted networks). The same Express application answers both listeners, so every route,
 * middleware and filter is the same; only `req.socket.encrypted` tells them apart.
 */
@Injectable()
export class HttpsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Https');
  private server: Server | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { httpsPort, httpsCertPath, httpsKeyPath } = this.config;
    if (httpsPort === undefined || !httpsCertPath || !httpsKeyPath) return;
    const handler = this.adapterHost.httpAdapter?.getInstance();
    if (!handler) return;
    const server = createServer(
      { cert: readFileSync(httpsCertPath), key: readFileSync(httpsKeyPath) },
      handler,
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(httpsPort, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Listening on https://${this.config.host}:${this.port()}`);
  }

  /** The bound port (HTTPS_PORT=0 picks a free one); null without HTTPS. */
  port(): number | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? address.port : null;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
