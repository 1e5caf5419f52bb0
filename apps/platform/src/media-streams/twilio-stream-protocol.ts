/**
 * Twilio's Media Streams messages (https://www.twilio.com/docs/voice/media-streams/websocket-messages):
 * what the platform sends the app's WebSocket, and what a bidirectional stream accepts back.
 */
export type StreamTrack = 'inbound' | 'outbound';

export interface StreamIdentity {
  accountSid: string;
  callSid: string;
  streamSid: string;
}

export const connectedMessage = () => ({ event: 'connected', protocol: 'Call', version: '1.0.0' });

export function startMessage(
  id: StreamIdentity,
  sequenceNumber: number,
  tracks: StreamTrack[],
  customParameters: Record<string, string>,
) {
  return {
    event: 'start',
    sequenceNumber: String(sequenceNumber),
    start: {
      accountSid: id.accountSid,
      streamSid: id.streamSid,
      callSid: id.callSid,
      tracks,
      customParameters,
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid: id.streamSid,
  };
}

export function mediaMessage(
  streamSid: string,
  sequenceNumber: number,
  media: { track: StreamTrack; chunk: number; timestampMs: number; payload: Buffer },
) {
  return {
    event: 'media',
    sequenceNumber: String(sequenceNumber),
    media: {
      track: media.track,
      chunk: String(media.chunk),
      timestamp: String(media.timestampMs),
      payload: media.payload.toString('base64'),
    },
    streamSid,
  };
}

export const markMessage = (streamSid: string, sequenceNumber: number, name: string) => ({
  event: 'mark',
  sequenceNumber: String(sequenceNumber),
  streamSid,
  mark: { name },
});

export const dtmfMessage = (streamSid: string, sequenceNumber: number, digit: string) => ({
  event: 'dtmf',
  streamSid,
  sequenceNumber: String(sequenceNumber),
  dtmf: { track: 'inbound_track', digit },
});

export const stopMessage = (id: StreamIdentity, sequenceNumber: number) => ({
  event: 'stop',
  sequenceNumber: String(sequenceNumber),
  streamSid: id.streamSid,
  stop: { accountSid: id.accountSid, callSid: id.callSid },
});

/** What the app may send on a bidirectional stream. */
export type AppMessage =
  { event: 'media'; payload: Buffer } | { event: 'mark'; name: string } | { event: 'clear' };

/** Reads one message from the app; null for anything else (ignored, as Twilio does). */
export function parseAppMessage(text: string): AppMessage | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const { event, media, mark } = message as { event?: unknown; media?: unknown; mark?: unknown };
  if (event === 'clear') return { event: 'clear' };
  if (event === 'media' && typeof media === 'object' && media !== null) {
    const payload = (media as { payload?: unknown }).payload;
    if (typeof payload === 'string') return { event: 'media', payload: Buffer.from(payload, 'base64') };
  }
  if (event === 'mark' && typeof mark === 'object' && mark !== null) {
    const name = (mark as { name?: unknown }).name;
    if (typeof name === 'string') return { event: 'mark', name };
  }
  return null;
}
