/**
 * Codes follow Twilio's numbering where Twilio has one, so clients can branch on them
 * the way they already do; HTTP status is derived from the code at the API edge.
 */
export enum DomainErrorCode {
  InvalidParameter = 21000,
  MissingTo = 21201,
  InvalidUrl = 21205,
  InvalidTo = 21211,
  /** From or CallerId is not a valid caller id (Twilio's 21212). */
  InvalidFrom = 21212,
  MissingFrom = 21603,
  /** PhoneNumber missing or not a number / SIP user part. */
  InvalidPhoneNumber = 21421,
  /** PhoneNumber already belongs to an IncomingPhoneNumber (of any account on this platform). */
  PhoneNumberNotAvailable = 21422,
  CallNotInProgress = 21220,
  InvalidStatusCallbackEvent = 21626,
  AuthenticationRequired = 20003,
  /** Valid credentials of a suspended or closed account (Twilio's "Account not active"). */
  AccountNotActive = 20005,
  /** Authenticated, but this account (or credential kind) may not do this. */
  Forbidden = 20403,
  NotFound = 20404,
  /** The account already has as many calls waiting to be dialed as it may (`max_queued_calls`). */
  TooManyQueuedCalls = 20429,
  TelephonyUnavailable = 20500,
  // The platform's own codes for conversations (bridges), parties and transfers: Twilio has none for these.
  ConversationNotFound = 22301,
  /** The leg is not (or no longer) a party of that conversation. */
  PartyNotFound = 22302,
  /** The party cannot do that now: it has not reached the bridge yet, or it has left. */
  InvalidPartyState = 22303,
  TransferNotFound = 22304,
  /** The transfer cannot do that in its state (complete an ended transfer, start a second one...). */
  InvalidTransferState = 22305,
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}
