import { Global, Logger, Module } from '@nestjs/common';
import { PgServerLocks, SERVER_CLAIMS, ServerClaims } from './ownership/server-locks';
import { AppConfig } from '../config/app-config';
import { AsteriskServer, asteriskServersOf } from '../config/asterisk-servers';
import { AriSipUserDirectory } from './ari/ari-sip-user-directory';
import { AriTelephonyGateway } from './ari/ari-telephony-gateway';
import { MultiServerGateway } from './ari/multi-server-gateway';
import { MultiServerSipUserDirectory } from './ari/multi-server-sip-user-directory';
import { SipUserDirectory } from './sip-user-directory.port';
import { TelephonyGateway } from './telephony-gateway.port';

/** The platform's settings with one server's ARI URL and credentials in place of the shorthand's. */
function configFor(config: AppConfig, server: AsteriskServer): AppConfig {
  return Object.assign(Object.create(config) as AppConfig, {
    ariUrl: server.ariUrl,
    ariUsername: server.ariUsername,
    ariPassword: server.ariPassword,
  });
}

/**
 * On PostgreSQL several nodes may share the database: each Asterisk server's events go to the one node
 * that holds its advisory lock. A node that loses its lock connection can no longer tell it still holds
 * its servers, so it stops (leaving calls up) for its supervisor to start it again.
 */
export function serverClaimsFor(config: AppConfig): ServerClaims | null {
  if (config.databaseType !== 'postgres' || !config.databaseUrl) return null;
  return new PgServerLocks(config.databaseUrl, config.nodeUrl ?? config.publicUrl, (error) => {
    new Logger('ServerLocks').error(`Lost the server locks' connection (${error}); stopping this node`);
    process.kill(process.pid, 'SIGTERM');
  });
}

@Global()
@Module({
  providers: [
    { provide: SERVER_CLAIMS, inject: [AppConfig], useFactory: serverClaimsFor },
    {
      provide: TelephonyGateway,
      inject: [AppConfig, SERVER_CLAIMS],
      useFactory: (config: AppConfig, claims: ServerClaims | null) =>
        new MultiServerGateway(
          asteriskServersOf(config).map((server) => ({
            name: server.name,
            gateway: new AriTelephonyGateway(configFor(config, server)),
          })),
          undefined,
          claims,
        ),
    },
    {
      provide: SipUserDirectory,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const servers = asteriskServersOf(config);
        // One server: exactly today's directory.
        if (servers.length === 1) return new AriSipUserDirectory(configFor(config, servers[0]));
        return new MultiServerSipUserDirectory(
          servers.map((server) => new AriSipUserDirectory(configFor(config, server))),
        );
      },
    },
  ],
  exports: [TelephonyGateway, SipUserDirectory, SERVER_CLAIMS],
})
export class TelephonyModule {}
