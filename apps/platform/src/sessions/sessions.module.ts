import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { ClusterSessionRoutes } from './cluster-session-routes';
import { AccountsModule } from '../accounts/accounts.module';
import { ExtensionsModule } from '../extensions/extensions.module';
import { PortsipAuthController } from './portsip/portsip-auth.controller';
import { BearerTokenGuard } from './bearer-token.guard';
import { PortsipDirectCallController } from './portsip/portsip-direct-call.controller';
import { PortsipSessionsController } from './portsip/portsip-sessions.controller';
import { PortsipSessionsService } from './portsip/portsip-sessions.service';
import { SessionParties } from './session-parties';
import { LiveSessions } from './live-sessions';

/** What the PBX facades share (sessions, Bearer tokens, numbers to phones), and the PortSIP-style `/api`. */
@Module({
  imports: [AccountsModule, ExtensionsModule, ClusterModule],
  // `directly` before `:id`: Nest matches routes in the order controllers are listed.
  controllers: [PortsipAuthController, PortsipDirectCallController, PortsipSessionsController],
  providers: [LiveSessions, BearerTokenGuard, PortsipSessionsService, SessionParties, ClusterSessionRoutes],
  exports: [LiveSessions, BearerTokenGuard, SessionParties],
})
export class SessionsModule {}
