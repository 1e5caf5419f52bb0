import type { ProgressEvent } from '../../common/progress-events';
import { OptionalStatusCallbackEvents } from '../../common/validators';
import {
  OptionalApplicationSid,
  OptionalFriendlyName,
  OptionalHttpMethod,
  OptionalHttpUrl,
} from './incoming-number-fields';

/**
 * POST /IncomingPhoneNumbers/{sid}: only the parameters sent change; an empty URL clears it.
 * PhoneNumber cannot change (as on Twilio): release the number and create another.
 */
export class UpdateIncomingNumberDto {
  @OptionalFriendlyName()
  FriendlyName?: string;

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

  /** Which progress events of inbound calls go to StatusCallback (default: completed only). */
  @OptionalStatusCallbackEvents()
  StatusCallbackEvent?: ProgressEvent[];

  /** Calls to the number run this Application's voice settings instead of VoiceUrl ('' clears it). */
  @OptionalApplicationSid('VoiceApplicationSid')
  VoiceApplicationSid?: string;
}
