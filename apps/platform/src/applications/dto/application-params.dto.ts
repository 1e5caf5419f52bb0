import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { OptionalFriendlyName, OptionalHttpMethod, OptionalHttpUrl } from '../../common/validators';

function OptionalBoolean(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) =>
      typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value,
    ),
    IsBoolean({ message: `The '${name}' parameter must be true or false` }),
  );
}

/**
 * Twilio's Application parameters, for create and update alike: only those sent change on update, and
 * an empty URL clears it.
 */
export class ApplicationParamsDto {
  @OptionalFriendlyName()
  FriendlyName?: string;

  @IsOptional()
  @IsIn(['2010-04-01', '2008-08-01'], {
    message: "The 'ApiVersion' parameter must be 2010-04-01 or 2008-08-01",
  })
  ApiVersion?: string;

  @OptionalHttpUrl('VoiceUrl')
  VoiceUrl?: string;

  @OptionalHttpMethod('VoiceMethod')
  VoiceMethod?: 'GET' | 'POST';

  @OptionalHttpUrl('VoiceFallbackUrl')
  VoiceFallbackUrl?: string;

  @OptionalHttpMethod('VoiceFallbackMethod')
  VoiceFallbackMethod?: 'GET' | 'POST';

  @OptionalHttpUrl('StatusCallback')
  StatusCallback?: string;

  @OptionalHttpMethod('StatusCallbackMethod')
  StatusCallbackMethod?: 'GET' | 'POST';

  @OptionalBoolean('VoiceCallerIdLookup')
  VoiceCallerIdLookup?: boolean;

  @OptionalHttpUrl('SmsUrl')
  SmsUrl?: string;

  @OptionalHttpMethod('SmsMethod')
  SmsMethod?: 'GET' | 'POST';

  @OptionalHttpUrl('SmsFallbackUrl')
  SmsFallbackUrl?: string;

  @OptionalHttpMethod('SmsFallbackMethod')
  SmsFallbackMethod?: 'GET' | 'POST';

  @OptionalHttpUrl('SmsStatusCallback')
  SmsStatusCallback?: string;

  @OptionalHttpUrl('MessageStatusCallback')
  MessageStatusCallback?: string;

  @OptionalBoolean('PublicApplicationConnectEnabled')
  PublicApplicationConnectEnabled?: boolean;
}
