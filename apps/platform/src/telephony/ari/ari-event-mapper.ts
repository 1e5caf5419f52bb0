import { parseHopCount } from '../hop-header';
import type { ChannelEvent, IncomingChannel } from '../telephony-gateway.port';

export interface AriChannelJson {
  id: string;
  state?: string;
  protocol_id?: string;
  caller?: { name?: string; number?: string };
  dialplan?: { exten?: string };
}

export interface AriEventJson {
  type: string;
  application?: string;
  args?: string[];
  channel?: AriChannelJson;
  cause?: number;
  cause_txt?: string;
  tech_cause?: number;
  digit?: string;
  playback?: { id: string; target_uri?: string; state?: string };
  recording?: { name: string; target_uri?: string; duration?: number; state?: string };
}

/** Channel events are keyed by channel id, bridge events by `bridge:<id>`. */
const channelOf = (targetUri: string | undefined) => {
  if (targetUri?.startsWith('channel:')) return targetUri.slice('channel:'.length);
  if (targetUri?.startsWith('bridge:')) return targetUri;
  return null;
};

/** Translates one raw ARI event into the domain event of the channel it concerns, if any. */
export function mapAriEvent(event: AriEventJson): { channelId: string; event: ChannelEvent } | null {
  if (event.playback) {
    const channelId = channelOf(event.playback.target_uri);
    if (!channelId || (event.type !== 'PlaybackFinished' && event.type !== 'PlaybackFailed')) return null;
    const failed = event.type === 'PlaybackFailed' || event.playback.state === 'failed';
    return { channelId, event: { kind: 'playback-finished', playbackId: event.playback.id, failed } };
  }
  if (event.recording) {
    const channelId = channelOf(event.recording.target_uri);
    if (!channelId || (event.type !== 'RecordingFinished' && event.type !== 'RecordingFailed')) return null;
    return {
      channelId,
      event: {
        kind: 'recording-finished',
        name: event.recording.name,
        durationSeconds: event.recording.duration ?? 0,
        failed: event.type === 'RecordingFailed',
      },
    };
  }
  const channel = event.channel;
  if (!channel?.id) return null;
  const sipCallId = channel.protocol_id || undefined;
  switch (event.type) {
    case 'ChannelStateChange':
      if (channel.state === 'Ringing') return { channelId: channel.id, event: { kind: 'ringing' } };
      if (channel.state === 'Up') return { channelId: channel.id, event: { kind: 'answered', sipCallId } };
      return null;
    case 'StasisStart':
      return { channelId: channel.id, event: { kind: 'entered-app', sipCallId } };
    case 'StasisEnd':
      return { channelId: channel.id, event: { kind: 'left-app' } };
    case 'ChannelDtmfReceived':
      return event.digit ? { channelId: channel.id, event: { kind: 'dtmf', digit: event.digit } } : null;
    case 'ChannelDestroyed':
      return {
        channelId: channel.id,
        event: {
          kind: 'hangup',
          cause: event.cause ?? 0,
          causeText: event.cause_txt ?? '',
          sipCode: event.tech_cause || undefined,
          sipCallId,
        },
      };
    default:
      return null;
  }
}

/** A call that entered the app from outside (a StasisStart the platform did not originate). */
export function toIncomingChannel(event: AriEventJson): IncomingChannel {
  const channel = event.channel!;
  return {
    channelId: channel.id,
    to: channel.dialplan?.exten ?? '',
    from: channel.caller?.number || 'anonymous',
    callerName: channel.caller?.name || null,
    sipCallId: channel.protocol_id || null,
    // The dialplan passes the INVITE's hop header as the second Stasis argument.
    hops: parseHopCount(event.args?.[1]),
  };
}

/** What a watched channel that disappeared while ARI was down is told: it hung up when ARI was lost. */
export function vanishedHangup(lostAt: Date | null): ChannelEvent {
  return {
    kind: 'hangup',
    cause: 0,
    causeText: 'Channel vanished while ARI was disconnected',
    vanished: true,
    ...(lostAt ? { endedAt: lostAt } : {}),
  };
}
