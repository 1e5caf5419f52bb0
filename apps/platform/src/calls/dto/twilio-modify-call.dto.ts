import { ModifyCallDto } from './modify-call.dto';
import { MAX_TIME_LIMIT_SECONDS, OptionalTwiml, OptionalWholeNumber } from './twilio-call-params';

/** Twilio's POST /Calls/{CallSid}: RestComm's live modification, plus inline TwiML and a new TimeLimit. */
export class TwilioModifyCallDto extends ModifyCallDto {
  /** Replaces the running document (ignored when Url is given too, as on create). */
  @OptionalTwiml()
  Twiml?: string;

  /** A new limit, counted from the moment the call was answered. */
  @OptionalWholeNumber('TimeLimit', 1, MAX_TIME_LIMIT_SECONDS)
  TimeLimit?: number;
}
