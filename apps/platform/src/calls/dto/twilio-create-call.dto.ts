import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpMethod, IsHttpUrl } from '../../common/validators';
import { CallCreationParams } from './call-creation-params.dto';
import {
  AcceptedText,
  IsTwilioCallee,
  MAX_TIME_LIMIT_SECONDS,
  OptionalBoolean,
  OptionalChoice,
  OptionalTwiml,
  OptionalWholeNumber,
  OptionalWordList,
} from './twilio-call-params';

const code = (value: DomainErrorCode) => ({ context: { code: value } });

export const RECORDING_STATUS_EVENTS = ['in-progress', 'completed', 'absent'] as const;
export type RecordingStatusEvent = (typeof RECORDING_STATUS_EVENTS)[number];

/**
 * Twilio's POST /2010-04-01/Accounts/{sid}/Calls.json, every parameter Twilio documents. What the call
 * runs is `Url`, else `Twiml` (Twilio ignores Twiml when both are given), else `ApplicationSid`.
 */
export class TwilioCreateCallDto extends CallCreationParams {
  @IsTwilioCallee()
  @IsNotEmpty({ message: "The 'To' parameter is required", ...code(DomainErrorCode.MissingTo) })
  To: string;

  @IsOptional()
  @IsHttpUrl({
    message: "The 'Url' parameter must be an absolute http(s) URL",
    ...code(DomainErrorCode.InvalidUrl),
  })
  Url?: string;

  @OptionalTwiml()
  Twiml?: string;

  /** An Application of the account whose voice settings the call runs (when Url and Twiml are absent). */
  @IsOptional()
  @Matches(/^AP[0-9a-f]{32}$/, {
    message: "The 'ApplicationSid' parameter must be an Application sid (AP...)",
  })
  ApplicationSid?: string;

  /** The caller id the INVITE carries instead of From (a number, `client:` name or SIP address). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+_.:@-]{1,128}$/, {
    message: "The 'CallerId' parameter must be a phone number, client identifier or SIP address",
    ...code(DomainErrorCode.InvalidFrom),
  })
  CallerId?: string;

  /** DTMF sent once the call is answered: 0-9, A-D, #, *, `w` (half a second) and `W` (one second). */
  @IsOptional()
  @Matches(/^[0-9A-Da-d#*wW]{1,32}$/, {
    message: "The 'SendDigits' parameter must be at most 32 of 0-9, A-D, #, *, w and W",
  })
  SendDigits?: string;

  @OptionalWholeNumber('TimeLimit', 1, MAX_TIME_LIMIT_SECONDS)
  TimeLimit?: number;

  @OptionalBoolean('Record')
  Record?: boolean;

  @OptionalChoice('RecordingChannels', ['mono', 'dual'])
  RecordingChannels?: 'mono' | 'dual';

  @IsOptional()
  @IsHttpUrl({
    message: "The 'RecordingStatusCallback' parameter must be an absolute http(s) URL",
    ...code(DomainErrorCode.InvalidUrl),
  })
  RecordingStatusCallback?: string;

  @IsOptional()
  @IsHttpMethod()
  RecordingStatusCallbackMethod?: 'GET' | 'POST';

  @OptionalWordList('RecordingStatusCallbackEvent', RECORDING_STATUS_EVENTS)
  RecordingStatusCallbackEvent?: RecordingStatusEvent[];

  @OptionalChoice('Trim', ['trim-silence', 'do-not-trim'])
  Trim?: 'trim-silence' | 'do-not-trim';

  @OptionalChoice('RecordingTrack', ['inbound', 'outbound', 'both'])
  RecordingTrack?: 'inbound' | 'outbound' | 'both';

  /** Digest credentials for a `sip:` To that challenges the INVITE. */
  @IsOptional()
  @IsString({ message: "The 'SipAuthUsername' parameter must be text" })
  @MaxLength(128, { message: "The 'SipAuthUsername' parameter must be at most 128 characters" })
  SipAuthUsername?: string;

  @IsOptional()
  @IsString({ message: "The 'SipAuthPassword' parameter must be text" })
  @MaxLength(128, { message: "The 'SipAuthPassword' parameter must be at most 128 characters" })
  SipAuthPassword?: string;

  // Documented by Twilio, accepted, and not acted on (README, Twilio Calls parameters).
  @AcceptedText('RecordingConfigurationId', 64)
  RecordingConfigurationId?: string;

  @AcceptedText('Byoc', 64)
  Byoc?: string;

  @AcceptedText('CallReason', 255)
  CallReason?: string;

  @AcceptedText('CallToken')
  CallToken?: string;

  @AcceptedText('ClientNotificationUrl', 2048)
  ClientNotificationUrl?: string;

  @AcceptedText('Passports')
  Passports?: string;
}
