import { Module } from '@nestjs/common';
import { ClusterModule } from '../../cluster/cluster.module';
import { SipxSessionRoute } from './sipx-session-route';
import { AccountsModule } from '../../accounts/accounts.module';
import { SessionsModule } from '../sessions.module';
import { SipxAuthModule } from './auth/sipx-auth.module';
import { SipxCallControllerController } from './sipx-callcontroller.controller';
import { SipxCallControllerService } from './sipx-callcontroller.service';

/** The sipX-style third-party call controller (`/callcontroller`). */
@Module({
  imports: [AccountsModule, SessionsModule, SipxAuthModule, ClusterModule],
  controllers: [SipxCallControllerController],
  providers: [SipxCallControllerService, SipxSessionRoute],
})
export class SipxModule {}
