import type { ChannelEvent } from '../telephony-gateway.port';

export interface AriChannelJson {
  id: string;
  state?: string;
  protocol_id?: string;
}

export interface AriEventJson {
  type: string;
  channel?: AriChannelJson;
  cause?: number;
  cause_txt?: string;
  tech_cause?: number;
}

/** Translates one raw ARI event into the domain event of the channel it concerns, if any. */
export function mapAriEvent(event: AriEventJson): { channelId: string; event: ChannelEvent } | null {
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
