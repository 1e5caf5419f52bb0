import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateIf } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpMethod, IsHttpUrl } from '../../common/validators';
export { OptionalFriendlyName } from '../../common/validators';

export const code = (value: DomainErrorCode) => ({ context: { code: value } });

/** E.164 (`+15551234567`), plain digits, or a SIP user part (`support`): what a caller dials. */
export const PHONE_NUMBER_PATTERN = /^\+?[A-Za-z0-9_.*#-]{1,64}$/;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * An optional absolute http(s) URL. An empty string is accepted and means "none" (Twilio clears a
 * URL this way on update).
 */
export function OptionalHttpUrl(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(trim),
    ValidateIf((_object, value) => value !== ''),
    IsHttpUrl({
      message: `The '${name}' parameter must be an absolute http(s) URL`,
      ...code(DomainErrorCode.InvalidUrl),
    }),
  );
}

export function OptionalHttpMethod(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsHttpMethod({ message: `The '${name}' parameter must be GET or POST` }),
  );
}
