import { Global, Module } from '@nestjs/common';
import { WebhookClient } from './webhook-client.service';

@Global()
@Module({ providers: [WebhookClient], exports: [WebhookClient] })
export class WebhooksModule {}
