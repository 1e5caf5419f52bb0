import type { DialTarget } from '../../telephony/telephony-gateway.port';

/** How an outbound leg is placed. */
export interface CallLegOptions {
  /** Whom to call; by default the `sip:` URI in the record's To. */
  target?: DialTarget;
  headers?: Record<string, string>;
  /** The display name its INVITE's From carries with the record's From (or `callerId`). */
  callerName?: string;
  /** The caller id its INVITE carries instead of the record's From (Twilio's CallerId). */
  callerId?: string;
  /** The hop count its INVITE carries. */
  hops: number;
  /** Follow a 3xx answer to its INVITE (see OriginateRequest). */
  followRedirects?: boolean;
  /** Keep every response to its INVITE, not only the provisional ones (see OriginateRequest). */
  traceSetupResponses?: boolean;
}
