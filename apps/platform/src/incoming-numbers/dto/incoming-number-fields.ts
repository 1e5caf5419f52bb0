import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsOptional, Matches, ValidateIf } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
export { OptionalFriendlyName, OptionalHttpMethod, OptionalHttpUrl } from '../../common/validators';

export const code = (value: DomainErrorCode) => ({ context: { code: value } });

/** E.164 (`+15551234567`), plain digits, or a SIP user part (`support`): what a caller dials. */
export const PHONE_NUMBER_PATTERN = /^\+?[A-Za-z0-9_.*#-]{1,64}$/;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** An Application sid (AP...) of the account; an empty string clears it. */
export function OptionalApplicationSid(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(trim),
    ValidateIf((_object, value) => value !== ''),
    Matches(/^AP[0-9a-f]{32}$/, { message: `The '${name}' parameter must be an Application sid (AP...)` }),
  );
}
