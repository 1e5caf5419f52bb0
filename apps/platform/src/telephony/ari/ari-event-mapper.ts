import { hasControlCharacters } from '../../common/control-characters';
import { parseHopCount } from '../hop-header';
import type { ChannelEvent, IncomingChannel, PhoneTransferRequest } from '../telephony-gateway.port';

export interface AriChannelJson {
  id: string;
  name?: string;
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
  bridge?: { id: string };
  /** Dial: the channel being dialled and how far its INVITE got (RINGING, PROGRESS, ANSWER, BUSY...). */
  peer?: AriChannelJson;
  dialstatus?: string;
  /** Dial: where a 3xx sent the dialled channel (chan_pjsip's redirect_method=user: the Contact's user). */
  forward?: string;
  /** ChannelTransfer: present only on the echoes of `transfer_progress`, never on the REFER itself. */
  state?: string;
  refer_to?: {
    requested_destination?: { destination?: string; protocol_id?: string };
    destination_channel?: AriChannelJson;
  };
  referred_by?: { source_channel?: AriChannelJson };
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
      if (channel.state === 'Ringing')
        return { channelId: channel.id, event: { kind: 'ringing', ...(sipCallId ? { sipCallId } : {}) } };
      if (channel.state === 'Up') return { channelId: channel.id, event: { kind: 'answered', sipCallId } };
      return null;
    case 'StasisStart':
      return { channelId: channel.id, event: { kind: 'entered-app', sipCallId } };
    case 'StasisEnd':
      return { channelId: channel.id, event: { kind: 'left-app' } };
    case 'ChannelDtmfReceived':
      return event.digit ? { channelId: channel.id, event: { kind: 'dtmf', digit: event.digit } } : null;
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge':
      if (!event.bridge?.id) return null;
      return {
        channelId: channel.id,
        event: {
          kind: event.type === 'ChannelEnteredBridge' ? 'entered-bridge' : 'left-bridge',
          bridgeId: event.bridge.id,
        },
      };
    case 'ChannelHold':
      return { channelId: channel.id, event: { kind: 'phone-held' } };
    case 'ChannelUnhold':
      return { channelId: channel.id, event: { kind: 'phone-unheld' } };
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
    ...callingEndpoint(channel.name),
    // Then the INVITE's source address and its From and To URIs, the URIs URI-encoded.
    ...sipArgument('sourceAddress', event.args?.[2], false),
    ...sipArgument('fromUri', event.args?.[3], true),
    ...sipArgument('toUri', event.args?.[4], true),
  };
}

function sipArgument<K extends 'sourceAddress' | 'fromUri' | 'toUri'>(
  key: K,
  raw: string | undefined,
  encoded: boolean,
): Partial<Record<K, string>> {
  if (!raw) return {};
  let value = raw;
  if (encoded) {
    try {
      value = decodeURIComponent(raw);
    } catch {
      return {};
    }
  }
  // Bounded and printable: it is matched against registrations, never sent anywhere.
  return value.length <= 512 && !hasControlCharacters(value) ? ({ [key]: value } as Record<K, string>) : {};
}

/** A PJSIP channel is named `PJSIP/<endpoint>-<sequence>`; the endpoint names who called. */
function callingEndpoint(name: string | undefined): { callingEndpoint?: string } {
  const match = /^PJSIP\/(.+)-[0-9a-f]+$/.exec(name ?? '');
  return match ? { callingEndpoint: match[1] } : {};
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

/** A REFER a phone sent (ARI `ChannelTransfer` in ari-only transfer handling), and on which channel. */
export interface AriTransferRequest {
  channelId: string;
  transfer: PhoneTransferRequest;
  /**
   * Attended, when Asterisk could not name the replaced channel itself: the Call-ID of the dialog the
   * REFER's Replaces names, to be looked up among the platform's channels.
   */
  replacesSipCallId?: string;
}

/**
 * The REFER behind a `ChannelTransfer`, or null for the events that are not one: Asterisk re-emits
 * `ChannelTransfer` with a `state` for every `transfer_progress` it was sent, as an acknowledgement.
 * (`ChannelTransfer` carries no channel of its own: it belongs to `referred_by.source_channel`.)
 */
export function transferRequestOf(event: AriEventJson): AriTransferRequest | null {
  if (event.type !== 'ChannelTransfer' || event.state) return null;
  const channelId = event.referred_by?.source_channel?.id;
  const requested = event.refer_to?.requested_destination;
  if (!channelId || !requested) return null;
  // A Replaces parameter in the Refer-To (its Call-ID is protocol_id) is what makes a REFER attended.
  if (!requested.protocol_id)
    return { channelId, transfer: { mode: 'blind', target: requested.destination ?? '' } };
  const replaced = event.refer_to?.destination_channel?.id;
  if (replaced) return { channelId, transfer: { mode: 'attended', replacesChannelId: replaced } };
  return {
    channelId,
    transfer: { mode: 'attended', replacesChannelId: null },
    replacesSipCallId: requested.protocol_id,
  };
}

const STANDARD_PROVISIONAL: Record<string, [number, string]> = {
  RINGING: [180, 'Ringing'],
  PROGRESS: [183, 'Session Progress'],
};

/**
 * The channel a `Dial` event reports a provisional response for (RINGING = 180, PROGRESS = 183), or a
 * 3xx the core was handed as a call forward (dialstatus FORWARD here; Asterisk says CANCEL, with
 * `forward` set): the redirected channel is hung up at once, so this event is all that shows the 3xx.
 */
export function provisionalDialOf(
  event: AriEventJson,
): { channelId: string; channelName: string; dialstatus: string } | null {
  if (event.type !== 'Dial' || !event.peer?.id || !event.dialstatus) return null;
  if (event.forward)
    return { channelId: event.peer.id, channelName: event.peer.name ?? '', dialstatus: 'FORWARD' };
  if (!(event.dialstatus in STANDARD_PROVISIONAL)) return null;
  return { channelId: event.peer.id, channelName: event.peer.name ?? '', dialstatus: event.dialstatus };
}

const PROVISIONAL_CAUSE = /^SIP (1\d\d)(?: (.*))?$/;
const REDIRECT_CAUSE = /^SIP (3\d\d)(?: (.*))?$/;
/** A forward whose response is gone with its channel: 302 is what phones and carriers send. */
const FORWARDED: ChannelEvent = {
  kind: 'setup-response',
  sipCode: 302,
  statusLine: 'SIP/2.0 302 Moved Temporarily',
};
/** What a traced leg reports besides provisional responses: the 401/407 and 3xx Asterisk acts on itself. */
const INTERIM_CAUSE = /^SIP (1\d\d|3\d\d|401|407)(?: (.*))?$/;

function setupResponseOf(techCause: string, accepted: RegExp): ChannelEvent | null {
  const match = accepted.exec(techCause.trim());
  if (!match) return null;
  const reason = match[2] ? ` ${match[2]}` : '';
  return { kind: 'setup-response', sipCode: Number(match[1]), statusLine: `SIP/2.0 ${match[1]}${reason}` };
}

/**
 * The response a traced leg's `HANGUPCAUSE(<name>,tech)` holds while it rings, when it is one that does
 * not end the setup; null for none yet, a 2xx (the answer is its own event) or a final failure (the hangup's).
 */
export function interimResponseFromCause(techCause: string): ChannelEvent | null {
  return setupResponseOf(techCause, INTERIM_CAUSE);
}

/**
 * The provisional event from the channel's `HANGUPCAUSE(<name>,tech)`, which chan_pjsip overwrites with
 * `SIP <code> <reason>` for every response to the INVITE. When that holds no provisional response (the
 * read failed), the standard status line of the Dial status stands in: the code is right, the phrase
 * the far end sent is lost.
 */
export function provisionalFromCause(techCause: string, dialstatus: string): ChannelEvent | null {
  if (dialstatus === 'FORWARD') return setupResponseOf(techCause, REDIRECT_CAUSE) ?? FORWARDED;
  const read = setupResponseOf(techCause, PROVISIONAL_CAUSE);
  if (read) return read;
  const standard = STANDARD_PROVISIONAL[dialstatus];
  if (!standard) return null;
  return {
    kind: 'setup-response',
    sipCode: standard[0],
    statusLine: `SIP/2.0 ${standard[0]} ${standard[1]}`,
  };
}
