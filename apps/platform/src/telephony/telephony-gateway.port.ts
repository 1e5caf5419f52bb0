/** Domain view of one channel's life, as the call-control core needs it. */
export type ChannelEvent =
  | { kind: 'ringing' }
  | { kind: 'answered'; sipCallId?: string }
  /** The channel is under the platform's control (for an originated channel: after answer). */
  | { kind: 'entered-app'; sipCallId?: string }
  /** `vanished`: the channel disappeared while events could not be received (ARI reconnect). */
  | {
      kind: 'hangup';
      cause: number;
      causeText: string;
      sipCode?: number;
      sipCallId?: string;
      vanished?: boolean;
    };

export type ChannelListener = (event: ChannelEvent) => void;

export interface ChannelWatch {
  stop(): void;
}

export interface OriginateRequest {
  channelId: string;
  /** A `sip:` URI; `;transport=tcp|udp` selects the transport. */
  sipUri: string;
  callerId: string;
  /** Asterisk's own give-up time; the core runs its own no-answer timer and uses this only as a backstop. */
  timeoutSeconds: number;
}

export type HangupReason = 'normal' | 'busy' | 'no_answer' | 'rejected' | 'congestion' | 'failure';

export class TelephonyError extends Error {}

/**
 * The only way the platform talks to Asterisk. Channel ids are chosen by the caller before any request,
 * so events that arrive before the REST response still reach their owner.
 */
export abstract class TelephonyGateway {
  abstract isConnected(): boolean;
  abstract newChannelId(): string;
  /** Delivers every event of the channel, in order, until its hangup event or `stop()`. */
  abstract watchChannel(channelId: string, listener: ChannelListener): ChannelWatch;
  abstract originate(request: OriginateRequest): Promise<void>;
  abstract hangup(channelId: string, reason?: HangupReason): Promise<void>;
}
