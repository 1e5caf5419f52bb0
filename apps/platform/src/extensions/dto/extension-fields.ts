import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export const EXTENSION_NUMBER_PATTERN = /^[0-9]{2,10}$/;
/** A phone number or digits a trunk accepts as caller id: optional +, then 2 to 20 digits. */
export const CALLER_ID_PATTERN = /^\+?[0-9]{2,20}$/;

export function ExtensionNumberField(): PropertyDecorator {
  return applyDecorators(
    IsString({ message: "The 'ExtensionNumber' parameter is required" }),
    Matches(EXTENSION_NUMBER_PATTERN, { message: "The 'ExtensionNumber' parameter must be 2 to 10 digits" }),
  );
}

export function ExtensionPassword(optional: boolean): PropertyDecorator {
  return applyDecorators(
    // Registered in order, and checked in that order with stopAtFirstError.
    ...(optional ? [IsOptional()] : []),
    IsString({ message: "The 'Password' parameter is required and must be text" }),
    Length(8, 128, { message: "The 'Password' parameter must be 8 to 128 characters" }),
  );
}

export function OptionalDisplayName(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString({ message: "The 'DisplayName' parameter must be text" }),
    MaxLength(255, { message: "The 'DisplayName' parameter must be at most 255 characters" }),
    // A display name goes into quoted SIP From headers (control characters are refused for every parameter).
    Matches(/^[^"\\]*$/, { message: "The 'DisplayName' parameter must not contain quotes or backslashes" }),
  );
}

/** '' clears it (the extension number is used). */
export function OptionalOutboundCallerId(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString({ message: "The 'OutboundCallerId' parameter must be text" }),
    Matches(new RegExp(`${CALLER_ID_PATTERN.source}|^$`), {
      message: "The 'OutboundCallerId' parameter must be a phone number (optional +, 2 to 20 digits)",
    }),
  );
}

/** Form posts carry text: 'true' and 'false' are the booleans. */
export function OptionalEnabled(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: "The 'Enabled' parameter must be true or false" }),
  );
}

/** The callcontroller PIN; on update, '' removes it (Digest is then refused for the extension). */
export function OptionalPin(allowEmpty: boolean): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString({ message: "The 'Pin' parameter must be text" }),
    Matches(allowEmpty ? /^([0-9]{4,32})?$/ : /^[0-9]{4,32}$/, {
      message: "The 'Pin' parameter must be 4 to 32 digits",
    }),
  );
}

export function OptionalCallControllerAgent(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: "The 'CallControllerAgent' parameter must be true or false" }),
  );
}
