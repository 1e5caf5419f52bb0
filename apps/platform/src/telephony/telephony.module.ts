import { Global, Module } from '@nestjs/common';
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

@Global()
@Module({
  providers: [
    {
      provide: TelephonyGateway,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new MultiServerGateway(
          asteriskServersOf(config).map((server) => ({
            name: server.name,
            gateway: new AriTelephonyGateway(configFor(config, server)),
          })),
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
  exports: [TelephonyGateway, SipUserDirectory],
})
export class TelephonyModule {}
