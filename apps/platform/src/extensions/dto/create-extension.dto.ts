import { Transform } from 'class-transformer';
import {
  ExtensionNumberField,
  ExtensionPassword,
  OptionalDisplayName,
  OptionalCallControllerAgent,
  OptionalEnabled,
  OptionalOutboundCallerId,
  OptionalPin,
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

  /** The callcontroller PIN (HTTP Digest); none: the extension cannot use the callcontroller with Digest. */
  @OptionalPin(false)
  Pin?: string;

  @OptionalCallControllerAgent()
  CallControllerAgent: boolean = false;
}
