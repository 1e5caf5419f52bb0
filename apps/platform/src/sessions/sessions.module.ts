import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PortsipAuthController } from './portsip/portsip-auth.controller';
import { PortsipBearerGuard } from './portsip/portsip-bearer.guard';
import { PortsipSessionsController } from './portsip/portsip-sessions.controller';

/** The PBX facades on the call-control core (PortSIP-style `/api` so far). */
@Module({
  imports: [AccountsModule],
  controllers: [PortsipAuthController, PortsipSessionsController],
  providers: [PortsipBearerGuard],
})
export class SessionsModule {}
