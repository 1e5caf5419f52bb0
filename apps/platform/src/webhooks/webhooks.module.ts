import { Global, Module } from '@nestjs/common';
import { AccountUrlPolicy, NotInternalUrlConstraint } from '../common/account-url-policy';
import { WebhookClient } from './webhook-client.service';

@Global()
@Module({
  providers: [
    WebhookClient,
    { provide: AccountUrlPolicy, useExisting: WebhookClient },
    NotInternalUrlConstraint,
  ],
  exports: [WebhookClient, AccountUrlPolicy, NotInternalUrlConstraint],
})
export class WebhooksModule {}
