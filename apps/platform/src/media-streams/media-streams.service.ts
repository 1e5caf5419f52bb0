import { Injectable } from '@nestjs/common';
import type {
  MediaStreamer,
  MediaStreamHandle,
  MediaStreamRequest,
} from '../call-control/ports/media-sources.port';
import { AppConfig } from '../config/app-config';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';
import { WebhookClient } from '../webhooks/webhook-client.service';
import { MediaStream } from './media-stream';
import { openStreamSocket } from './stream-socket';

/** Starts Media Streams (`<Start><Stream>`, `<Connect><Stream>`) on calls. */
@Injectable()
export class MediaStreamsService implements MediaStreamer {
  constructor(
    private readonly gateway: TelephonyGateway,
    private readonly webhooks: WebhookClient,
    private readonly config: AppConfig,
  ) {}

  async start(request: MediaStreamRequest): Promise<MediaStreamHandle> {
    const socket = await openStreamSocket(
      request.url,
      request.signingKey,
      this.webhooks.policy,
      this.config.webhookConnectTimeoutMs,
    );
    const stream = new MediaStream(request, socket, this.gateway, this.config.mediaStreamRtpAddress);
    await stream.begin();
    return stream;
  }
}
