import { Logger } from '@nestjs/common';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import { rfc2822 } from '../common/rfc2822';
import type { ConferenceCallback, ConferenceEvent } from '../rcml/verbs/verb';
import { WebhookClient, WebhookError } from '../webhooks/webhook-client.service';

/** What Twilio calls StatusCallbackEvent on the wire, and which subscribed event covers it. */
const WIRE_EVENTS = {
  'conference-start': 'start',
  'conference-end': 'end',
  'participant-join': 'join',
  'participant-leave': 'leave',
  'participant-mute': 'mute',
  'participant-unmute': 'mute',
  'participant-hold': 'hold',
  'participant-unhold': 'hold',
} as const satisfies Record<string, ConferenceEvent>;

export type ConferenceWireEvent = keyof typeof WIRE_EVENTS;

/** The participant fields an event reports (Twilio's names). */
export interface ParticipantState {
  callSid: string;
  muted: boolean;
  held: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
}

export interface ConferenceCallbackOwner {
  /** The account's AuthToken: callbacks are signed like every other webhook. */
  signingKey: string;
  /** Records a failed callback as a notification on the subscribing call. */
  notify(code: NotificationCode, message: string, level: NotificationLevel): Promise<void>;
}

/**
 * A room's conference status callbacks (Twilio's `statusCallback` on <Conference>): the first
 * participant that asks for them sets them for the room, as Twilio honours only one subscription per
 * conference. Events go out one at a time, in order, each with its SequenceNumber.
 */
export class ConferenceStatusCallbacks {
  private readonly logger = new Logger(ConferenceStatusCallbacks.name);
  private sequence = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly webhooks: WebhookClient,
    private readonly subscription: ConferenceCallback,
    private readonly owner: ConferenceCallbackOwner,
    private readonly room: { sid: string; accountSid: string; name: string },
  ) {}

  emit(event: ConferenceWireEvent, participant?: ParticipantState, extra: Record<string, string> = {}): void {
    if (!this.subscription.events.includes(WIRE_EVENTS[event])) return;
    const params: Record<string, string> = {
      AccountSid: this.room.accountSid,
      ConferenceSid: this.room.sid,
      FriendlyName: this.room.name,
      StatusCallbackEvent: event,
      Timestamp: rfc2822(new Date())!,
      SequenceNumber: String(++this.sequence),
      ...(participant ? participantParams(participant) : {}),
      ...extra,
    };
    this.queue = this.queue.then(() => this.send(params));
  }

  /** Resolves once every event emitted so far has been delivered (or has failed). */
  drained(): Promise<void> {
    return this.queue;
  }

  private async send(params: Record<string, string>): Promise<void> {
    const { url, method } = this.subscription;
    try {
      await this.webhooks.send({
        purpose: 'callback',
        url,
        method,
        params,
        signingKey: this.owner.signingKey,
      });
    } catch (error) {
      if (!(error instanceof WebhookError)) {
        this.logger.warn(`Conference ${this.room.sid} status callback failed: ${error}`);
        return;
      }
      await this.owner
        .notify(
          NotificationCode.StatusCallbackFailure,
          `Conference status callback ${params.StatusCallbackEvent} failed: ${error.message}`,
          NotificationLevel.Warning,
        )
        .catch(() => undefined);
    }
  }
}

function participantParams(participant: ParticipantState): Record<string, string> {
  return {
    CallSid: participant.callSid,
    Muted: String(participant.muted),
    Hold: String(participant.held),
    Coaching: 'false',
    StartConferenceOnEnter: String(participant.startConferenceOnEnter),
    EndConferenceOnExit: String(participant.endConferenceOnExit),
  };
}
