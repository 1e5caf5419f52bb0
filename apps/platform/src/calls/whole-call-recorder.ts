import { Logger } from '@nestjs/common';
import type { CallLeg } from '../call-control/legs/call-leg';
import type { CallRecordingSettings, RecordingCallback } from '../call-control/legs/call-options';
import type { RecordingSink } from '../call-control/ports/media-sources.port';
import type { NotificationSink } from '../call-control/ports/notification-sink.port';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import { rfc2822 } from '../common/rfc2822';
import { wavDurationSeconds } from '../common/wav';
import type { AudioDirection, TelephonyGateway } from '../telephony/telephony-gateway.port';
import { WebhookClient, WebhookError } from '../webhooks/webhook-client.service';

/** What a snoop hears for each of Twilio's RecordingTrack values. */
const SPY: Record<CallRecordingSettings['track'], AudioDirection> = {
  inbound: 'in',
  outbound: 'out',
  both: 'both',
};
/** How long the recording may take to report its end once the call is over, before its file is fetched. */
const FINISH_GRACE_MS = 5000;

export interface WholeCallRecorderDeps {
  gateway: TelephonyGateway;
  recordings: RecordingSink;
  webhooks: WebhookClient;
  notifications: NotificationSink;
}

/**
 * Twilio's `Record=true` on Calls.create: from its answer to its end, the call is recorded through a
 * snoop of its channel (so it keeps recording while bridged by a Dial), stored as a Recording of the
 * call (source OutboundAPI), and RecordingStatusCallback hears `in-progress`, `completed` or `absent`.
 */
export class WholeCallRecorder {
  private readonly logger = new Logger(WholeCallRecorder.name);

  constructor(private readonly deps: WholeCallRecorderDeps) {}

  attach(leg: CallLeg, signingKey: string, settings: CallRecordingSettings): void {
    leg.observe({
      answered: () =>
        void this.record(leg, signingKey, settings).catch((error) =>
          this.logger.warn(`Recording ${leg.sid} failed: ${error}`),
        ),
    });
  }

  private async record(leg: CallLeg, signingKey: string, settings: CallRecordingSettings): Promise<void> {
    const { gateway } = this.deps;
    const name = `${leg.sid}-call`;
    const snoopChannelId = gateway.newChannelId();
    let settle!: (outcome: { failed: boolean } | null) => void;
    const finished = new Promise<{ failed: boolean } | null>((resolve) => (settle = resolve));
    const watch = gateway.watchChannel(snoopChannelId, (event) => {
      if (event.kind === 'recording-finished' && event.name === name) settle({ failed: event.failed });
    });
    const startTime = new Date();
    const callback = (status: RecordingCallback['events'][number], extra: Record<string, string> = {}) =>
      this.callback(leg, signingKey, settings, status, { RecordingStartTime: rfc2822(startTime)!, ...extra });
    try {
      await gateway.snoop(leg.channelId, { snoopChannelId, spy: SPY[settings.track], whisper: 'none' });
      await gateway.record(snoopChannelId, {
        name,
        maxDurationSeconds: 0,
        maxSilenceSeconds: 0,
        beep: false,
        terminateOn: 'none',
      });
    } catch (error) {
      watch.stop();
      await leg.notify(NotificationCode.RecordingFailure, `Recording the call failed: ${error}`);
      return callback('absent', { ErrorCode: String(NotificationCode.RecordingFailure) });
    }
    await callback('in-progress');
    // The snoop ends with the call, and its recording with it.
    void leg.finished.then(() => setTimeout(() => settle(null), FINISH_GRACE_MS).unref());
    const outcome = await finished;
    watch.stop();
    const stored = outcome?.failed ? null : await this.store(leg, name);
    if (!stored) return callback('absent');
    await callback('completed', {
      RecordingSid: stored.sid,
      RecordingUrl: `${this.deps.recordings.mediaUrl({ sid: stored.sid, accountSid: leg.accountSid })}.wav`,
      RecordingDuration: String(stored.durationSeconds),
    });
  }

  private async store(leg: CallLeg, name: string): Promise<{ sid: string; durationSeconds: number } | null> {
    try {
      const audio = await this.deps.gateway.takeRecording(name);
      const durationSeconds = Math.round(wavDurationSeconds(audio) ?? 0);
      if (durationSeconds < 1) return null;
      const recording = await this.deps.recordings.store({
        accountSid: leg.accountSid,
        callSid: leg.sid,
        durationSeconds,
        audio,
        source: 'OutboundAPI',
      });
      return { sid: recording.sid, durationSeconds };
    } catch (error) {
      await leg.notify(NotificationCode.RecordingFailure, `The call's recording left no file: ${error}`);
      return null;
    }
  }

  /** Twilio's recording status callback, for the events RecordingStatusCallbackEvent names. */
  private async callback(
    leg: CallLeg,
    signingKey: string,
    settings: CallRecordingSettings,
    status: RecordingCallback['events'][number],
    extra: Record<string, string>,
  ): Promise<void> {
    const target = settings.callback;
    if (!target || !target.events.includes(status)) return;
    const params = {
      AccountSid: leg.accountSid,
      CallSid: leg.sid,
      RecordingStatus: status,
      RecordingChannels: '1',
      RecordingSource: 'OutboundAPI',
      RecordingTrack: settings.track,
      ...extra,
    };
    try {
      await this.deps.webhooks.send({
        purpose: 'callback',
        url: target.url,
        method: target.method,
        params,
        signingKey,
      });
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      await leg.notify(NotificationCode.StatusCallbackFailure, error.message, NotificationLevel.Warning, {
        requestUrl: target.url,
        requestMethod: target.method,
        responseBody: error.response?.body,
      });
    }
  }
}
