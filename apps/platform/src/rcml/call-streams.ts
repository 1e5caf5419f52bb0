import type { CallLeg } from '../call-control/legs/call-leg';
import type { MediaStreamer, MediaStreamHandle } from '../call-control/ports/media-sources.port';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import type { StreamRequest } from './verbs/verb';

/**
 * The Media Streams of one call. A `<Start>`ed stream outlives its document (it goes on through
 * redirects) until `<Stop>` or the end of the call; a `<Connect>`ed one holds its verb until it is over.
 */
export class CallStreams {
  private readonly running = new Set<{ name: string | null; handle: MediaStreamHandle }>();

  constructor(
    private readonly leg: CallLeg,
    private readonly signingKey: string,
    private readonly streamer: MediaStreamer,
  ) {}

  async start(request: StreamRequest): Promise<void> {
    const handle = await this.open(request, false, this.leg.signal);
    if (!handle) return;
    const entry = { name: request.name, handle };
    this.running.add(entry);
    void handle.ended.then(() => this.running.delete(entry));
  }

  async stop(name: string | null): Promise<void> {
    const matching = [...this.running].filter((entry) => name === null || entry.name === name);
    await Promise.all(matching.map((entry) => entry.handle.stop()));
  }

  /** Until the app closes the WebSocket, the call ends or `signal` aborts (its document was replaced). */
  async connect(request: StreamRequest, signal: AbortSignal): Promise<void> {
    const handle = await this.open(request, true, signal);
    await handle?.ended;
  }

  private async open(
    request: StreamRequest,
    bidirectional: boolean,
    signal: AbortSignal,
  ): Promise<MediaStreamHandle | null> {
    if (signal.aborted) return null;
    try {
      return await this.streamer.start({
        accountSid: this.leg.accountSid,
        callSid: this.leg.sid,
        channelId: this.leg.channelId,
        signingKey: this.signingKey,
        url: request.url,
        name: request.name,
        track: request.track,
        parameters: request.parameters,
        bidirectional,
        onDigit: (listener) => this.leg.media.onDigit(listener),
        signal,
      });
    } catch (error) {
      if (!signal.aborted)
        await this.leg.notify(
          NotificationCode.StreamFailure,
          `Media Stream to ${request.url} failed: ${error instanceof Error ? error.message : error}`,
          NotificationLevel.Warning,
          { requestUrl: request.url, requestMethod: 'GET' },
        );
      return null;
    }
  }
}
