import type { ProgressEvent } from '../../common/progress-events';
import { OptionalStatusCallbackEvents } from '../../common/validators';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import {
  code,
  OptionalFriendlyName,
  OptionalHttpMethod,
  OptionalHttpUrl,
  OptionalApplicationSid,
  PHONE_NUMBER_PATTERN,
} from './incoming-number-fields';

/** POST /IncomingPhoneNumbers. Parameter names are the API's own (PascalCase). */
export class CreateIncomingNumberDto {
  // class-validator runs the lowest decorator first; with stopAtFirstError, presence is checked first.
  @Matches(PHONE_NUMBER_PATTERN, {
    message:
      "The 'PhoneNumber' parameter must be an E.164 number (+15551234567), digits, or a SIP user part " +
      '(letters, digits and _ . * # -), at most 64 characters; in a form body, send + as %2B',
    ...code(DomainErrorCode.InvalidPhoneNumber),
  })
  @IsString(code(DomainErrorCode.InvalidPhoneNumber))
  @IsNotEmpty({
    message: "The 'PhoneNumber' parameter is required",
    ...code(DomainErrorCode.InvalidPhoneNumber),
  })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  PhoneNumber: string;

  @OptionalFriendlyName()
  FriendlyName?: string;

  @OptionalHttpUrl('VoiceUrl')
  VoiceUrl?: string;

  @OptionalHttpMethod('VoiceMethod')
  VoiceMethod: 'GET' | 'POST' = 'POST';

  @OptionalHttpUrl('VoiceFallbackUrl')
  VoiceFallbackUrl?: string;

  @OptionalHttpMethod('VoiceFallbackMethod')
  VoiceFallbackMethod: 'GET' | 'POST' = 'POST';

  @OptionalHttpUrl('StatusCallback')
  StatusCallback?: string;

  @OptionalHttpMethod('StatusCallbackMethod')
  StatusCallbackMethod: 'GET' | 'POST' = 'POST';

  /** Which progress events of inbound calls go to StatusCallback (default: completed only). */
  @OptionalStatusCallbackEvents()
  StatusCallbackEvent?: ProgressEvent[];

  /** Calls to the number run this Application's voice settings instead of VoiceUrl ('' clears it). */
  @OptionalApplicationSid('VoiceApplicationSid')
  VoiceApplicationSid?: string;
}
