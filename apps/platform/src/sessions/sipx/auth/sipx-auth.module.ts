import { Module } from '@nestjs/common';
import { AccountsModule } from '../../../accounts/accounts.module';
import { ExtensionsModule } from '../../../extensions/extensions.module';
import { SipxDigestAuthenticator } from './sipx-digest-authenticator';
import { SipxDigestGuard } from './sipx-digest.guard';

/** Import it and put `@UseGuards(SipxDigestGuard)` on the callcontroller routes (they need `:callingUser`). */
@Module({
  imports: [AccountsModule, ExtensionsModule],
  providers: [SipxDigestAuthenticator, SipxDigestGuard],
  exports: [SipxDigestAuthenticator, SipxDigestGuard, AccountsModule, ExtensionsModule],
})
export class SipxAuthModule {}
