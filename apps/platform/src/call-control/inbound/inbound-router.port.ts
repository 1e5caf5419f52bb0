import type { HangupReason, IncomingChannel } from '../../telephony/telephony-gateway.port';
import type { NewCallRecord } from '../legs/call-records';
import type { CallNotification } from '../ports/notification-sink.port';
import type { ConnectTarget } from './inbound-connection';

/** The record fields a route gives an inbound call (what to run, where its callbacks go). */
export type InboundCallFields = Omit<
  NewCallRecord,
  'accountSid' | 'to' | 'from' | 'direction' | 'apiVersion' | 'channelId' | 'sipCallId' | 'callerName'
>;

/** What becomes of a call that arrived from outside. */
export type InboundRoute =
  /** Taken by an account: stored with `fields`, signed with `signingKey`. */
  | {
      kind: 'accept';
      accountSid: string;
      signingKey: string;
      fields: InboundCallFields;
      /** The API dialect its webhooks speak (default RestComm's). */
      apiVersion?: string;
    }
  /**
   * Taken by an account and connected, unanswered until the callee answers, to `connect` (a PBX
   * extension's phones, the trunk); runs no RCML.
   */
  | {
      kind: 'connect';
      accountSid: string;
      signingKey: string;
      fields: InboundCallFields;
      connect: ConnectTarget;
    }
  /**
   * Refused unanswered with `sipCode` (`hangupReason` when the exact response cannot be sent), and
   * the reason recorded for the account concerned.
   */
  | { kind: 'refuse'; sipCode: number; hangupReason: HangupReason; notification: CallNotification };

/**
 * Decides who takes an inbound call. IncomingPhoneNumbers is one router; PBX extensions add another.
 * A router never touches the channel: the core answers, refuses and records.
 */
export abstract class InboundRouter {
  abstract route(channel: IncomingChannel): Promise<InboundRoute>;
}
