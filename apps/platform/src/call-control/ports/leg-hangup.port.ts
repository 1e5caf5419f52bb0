import type { HangupReason } from '../../telephony/telephony-gateway.port';

/**
 * Ends a leg the way its owner does (record written, final status through the leg's state machine):
 * conversations and transfers hang up legs through this, never through the gateway, since they do not
 * own legs.
 */
export abstract class LegHangup {
  /** Resolves once the hangup was requested; the leg's `ended` aborts when its channel is gone. */
  abstract hangUp(callSid: string, reason?: HangupReason): Promise<void>;
}
