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
}
