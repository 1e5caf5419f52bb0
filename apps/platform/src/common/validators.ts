import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  buildMessage,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  Validate,
  ValidateBy,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';
import { NotInternalUrlConstraint } from './account-url-policy';
import { DomainErrorCode } from './domain-error';
import { PROGRESS_EVENTS, splitEventList } from './progress-events';

const HOST = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)`;
const USER = String.raw`[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+`;
const PARAM = String.raw`;[A-Za-z0-9\-_.!~*'%]+(?:=[A-Za-z0-9\-_.!~*'%]+)?`;
/** user@host[:port][;params]; a `transport` parameter, when present, must be udp or tcp. */
export const SIP_URI = new RegExp(String.raw`^sip:(?:${USER}@)?${HOST}(?::\d{1,5})?(?:${PARAM})*$`);

export function isSipUri(value: unknown): boolean {
  if (typeof value !== 'string' || !SIP_URI.test(value)) return false;
  const transport = /;transport=([^;]*)/i.exec(value);
  const port = /:(\d+)(?:;|$)/.exec(value.slice(4));
  if (port && Number(port[1]) > 65535) return false;
  return !transport || ['udp', 'tcp'].includes(transport[1].toLowerCase());
}

export function IsSipUri(options: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSipUri',
      validator: {
        validate: (value) => typeof value === 'string' && value.length < 255 && isSipUri(value),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a sip: URI (sip:user@host[:port][;transport=udp|tcp]) under 255 characters`,
          options,
        ),
      },
    },
    options,
  );
}

/**
 * An absolute http(s) URL an account gives the platform to fetch; hosts without a TLD (localhost, IPs) are
 * fine for self-hosted apps, but not the platform's own internal services.
 */
export function IsHttpUrl(options: ValidationOptions = {}): PropertyDecorator {
  // The constraint words its own message (it names the refusal); the code in `context` is kept.
  const withoutMessage = { ...options };
  delete withoutMessage.message;
  // Decorators run bottom-up: the internal-service check only sees values already known to be URLs.
  return applyDecorators(
    Validate(NotInternalUrlConstraint, withoutMessage),
    MaxLength(2048, options),
    IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, options),
  );
}

/** GET or POST, case-insensitive on input, upper-case once validated. */
export function IsHttpMethod(options: ValidationOptions = {}): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value)),
    IsIn(['GET', 'POST'], { message: '$property must be GET or POST', ...options }),
  );
}

/** An optional FriendlyName, as every resource of the API takes it. */
export function OptionalFriendlyName(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString({ message: "The 'FriendlyName' parameter must be text" }),
    MaxLength(255, { message: "The 'FriendlyName' parameter must be at most 255 characters" }),
  );
}

/**
 * Twilio's StatusCallbackEvent: which progress events go to StatusCallback (default: completed only).
 * Twilio's SDKs repeat the parameter once per event; one space- or comma-separated value is accepted too.
 */
export function OptionalStatusCallbackEvents(): PropertyDecorator {
  const invalid = { context: { code: DomainErrorCode.InvalidStatusCallbackEvent } };
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) =>
      (Array.isArray(value) ? value : [value]).flatMap((item: unknown) =>
        typeof item === 'string' ? splitEventList(item) : [item],
      ),
    ),
    IsIn(PROGRESS_EVENTS as unknown as string[], {
      each: true,
      message: `The 'StatusCallbackEvent' parameter must be one or more of ${PROGRESS_EVENTS.join(', ')}`,
      ...invalid,
    }),
    ArrayNotEmpty({
      message: "The 'StatusCallbackEvent' parameter must name at least one event",
      ...invalid,
    }),
    IsArray(invalid),
  );
}

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * An optional absolute http(s) URL. An empty string is accepted and means "none" (Twilio clears a
 * URL this way on update).
 */
export function OptionalHttpUrl(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(trimmed),
    ValidateIf((_object, value) => value !== ''),
    IsHttpUrl({
      message: `The '${name}' parameter must be an absolute http(s) URL`,
      context: { code: DomainErrorCode.InvalidUrl },
    }),
  );
}

export function OptionalHttpMethod(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsHttpMethod({ message: `The '${name}' parameter must be GET or POST` }),
  );
}
