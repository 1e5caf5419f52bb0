/** How serious a notification is; RestComm's Log values. */
export enum NotificationLevel {
  Error = 0,
  Warning = 1,
}

/** Notification codes; Twilio's numbers where Twilio has one for the same failure. */
export enum NotificationCode {
  HttpRetrievalFailure = 11200,
  DocumentParseFailure = 12100,
  SchemaValidationWarning = 12200,
  InvalidContentType = 12300,
  UnknownNumber = 20404,
  /** An inbound call to a number of a suspended or closed account, refused. */
  AccountNotActive = 20005,
  RecordingFailure = 13610,
  SpeechFailure = 13520,
  PlaybackFailure = 13620,
  StatusCallbackFailure = 15003,
  TelephonyFailure = 20500,
  /** A Media Stream could not reach its WebSocket (refused address, handshake failed) or its audio. */
  StreamFailure = 31920,
  /** An inbound call carried MAX_CALL_HOPS or more platform hops and was refused with SIP 482. */
  LoopDetected = 20482,
  /** An inbound call found its account at `max_concurrent_calls` and was refused with SIP 503. */
  ConcurrencyLimit = 20503,
  /** An extension called another that has no phone registered, or a number nothing routes; SIP 480 or 404. */
  ExtensionUnreachable = 20480,
  /**
   * A RingCentral-style WebHook subscription was suspended: its notifications kept failing (or piled
   * up) and were dropped. Twilio has no code for this.
   */
  SubscriptionSuspended = 22310,
}
