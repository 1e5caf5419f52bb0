import { Transform } from 'class-transformer';
import {
  OptionalFriendlyName,
  OptionalHttpMethod,
  OptionalHttpUrl,
} from '../../incoming-numbers/dto/incoming-number-fields';
import { ClientPassword, LoginField, OptionalClientStatus } from './client-fields';

/** POST /Clients. */
export class CreateClientDto {
  @LoginField()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  Login: string;

  @ClientPassword(false)
  Password: string;

  @OptionalFriendlyName()
  FriendlyName?: string;

  @OptionalHttpUrl('VoiceUrl')
  VoiceUrl?: string;

  @OptionalHttpMethod('VoiceMethod')
  VoiceMethod: 'GET' | 'POST' = 'POST';

  @OptionalClientStatus()
  Status: 'active' | 'inactive' = 'active';
}
