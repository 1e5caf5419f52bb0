import {
  ExtensionPassword,
  OptionalDisplayName,
  OptionalCallControllerAgent,
  OptionalEnabled,
  OptionalOutboundCallerId,
  OptionalPin,
} from './extension-fields';

/** POST /Extensions/{sid}: only the parameters sent change. The number cannot change: delete and create. */
export class UpdateExtensionDto {
  @ExtensionPassword(true)
  Password?: string;

  @OptionalDisplayName()
  DisplayName?: string;

  @OptionalOutboundCallerId()
  OutboundCallerId?: string;

  @OptionalEnabled()
  Enabled?: boolean;

  @OptionalPin(true)
  Pin?: string;

  @OptionalCallControllerAgent()
  CallControllerAgent?: boolean;
}
