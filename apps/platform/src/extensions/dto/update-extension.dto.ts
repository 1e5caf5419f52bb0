import {
  ExtensionPassword,
  OptionalDisplayName,
  OptionalEnabled,
  OptionalOutboundCallerId,
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
}
