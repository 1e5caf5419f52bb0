import { Global, Module } from '@nestjs/common';
import { MediaStreamsService } from './media-streams.service';

/** Media Streams; the gateway, the webhook client's address policy and the config come from global modules. */
@Global()
@Module({ providers: [MediaStreamsService], exports: [MediaStreamsService] })
export class MediaStreamsModule {}
