import { Transform } from 'class-transformer';
import {
  ExtensionNumberField,
  ExtensionPassword,
  OptionalDisplayName,
  OptionalEnabled,
  OptionalOutboundCallerId,
} from './extension-fields';

/** POST /Extensions. */
export class CreateExtensionDto {
  @ExtensionNumberField()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  ExtensionNumber: string;

  @ExtensionPassword(false)
  Password: string;

  @OptionalDisplayName()
  DisplayName?: string;

  @OptionalOutboundCallerId()
  OutboundCallerId?: string;

  @OptionalEnabled()
  Enabled: boolean = true;
}
