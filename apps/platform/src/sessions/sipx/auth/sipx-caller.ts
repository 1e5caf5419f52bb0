import type { Request } from 'express';

/** Who a callcontroller request acts for, set by SipxDigestGuard. */
export interface SipxCaller {
  accountSid: string;
  /** The authenticated extension (Digest), or on a trusted HTTPS request the `agent` or the calling user. */
  extensionNumber: string;
  /**
   * May act for users other than itself: the extension's CallControllerAgent permission, or true on a trusted
   * HTTPS request. The guard already refused (403) a request for another calling user without it.
   */
  agent: boolean;
}

export interface SipxRequest extends Request {
  sipxCaller?: SipxCaller;
}
