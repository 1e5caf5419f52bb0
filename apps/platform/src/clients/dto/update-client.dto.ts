import {
  OptionalFriendlyName,
  OptionalHttpMethod,
  OptionalHttpUrl,
} from '../../incoming-numbers/dto/incoming-number-fields';
import { ClientPassword, OptionalClientStatus } from './client-fields';

/** POST /Clients/{sid}: only the parameters sent change. Login cannot change: delete and create. */
export class UpdateClientDto {
  @ClientPassword(true)
  Password?: string;

  @OptionalFriendlyName()
  FriendlyName?: string;

  @OptionalHttpUrl('VoiceUrl')
  VoiceUrl?: string;

  @OptionalHttpMethod('VoiceMethod')
  VoiceMethod?: 'GET' | 'POST';

  @OptionalClientStatus()
  Status?: 'active' | 'inactive';
}
