import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { isSipUri } from '../../common/validators';
import { splitEventList } from '../../common/progress-events';

const code = (value: DomainErrorCode) => ({ context: { code: value } });

/** Twilio's inline TwiML limit. */
export const MAX_TWIML_CHARS = 4000;
/** Twilio's TimeLimit: at most 24 hours. */
export const MAX_TIME_LIMIT_SECONDS = 86400;
const CLIENT = /^client:(?![0-9]+$)[A-Za-z0-9_.-]{1,64}$/;
const NUMBER = /^\+?[0-9]{1,32}$/;

/** Whom Twilio's Calls.create may call: a number (through the trunk), `client:<login>` or a `sip:` URI. */
export function isTwilioCallee(value: unknown): boolean {
  if (typeof value !== 'string' || value.length >= 255) return false;
  return NUMBER.test(value) || CLIENT.test(value) || isSipUri(value);
}

export function IsTwilioCallee(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTwilioCallee',
      validator: {
        validate: isTwilioCallee,
        defaultMessage: () =>
          "The 'To' parameter must be a phone number (E.164 or digits), client:<name> or a sip: URI",
      },
    },
    code(DomainErrorCode.InvalidTo),
  );
}

/** An optional whole number in [min, max]; form values arrive as digit strings. */
export function OptionalWholeNumber(name: string, min: number, max: number): PropertyDecorator {
  const message = { message: `The '${name}' parameter must be a whole number from ${min} to ${max}` };
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)),
    IsInt(message),
    Min(min, message),
    Max(max, message),
  );
}

export function OptionalBoolean(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) =>
      typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value,
    ),
    IsBoolean({ message: `The '${name}' parameter must be true or false` }),
  );
}

/** Inline TwiML, up to Twilio's 4,000 characters (parsed when the call runs it, as any document). */
export function OptionalTwiml(): PropertyDecorator {
  const message = `The 'Twiml' parameter must be a TwiML document of at most ${MAX_TWIML_CHARS} characters`;
  return applyDecorators(
    IsOptional(),
    IsString({ message }),
    MaxLength(MAX_TWIML_CHARS, { message }),
    Matches(/<Response[\s/>]/, { message: "The 'Twiml' parameter must hold a <Response> document" }),
  );
}

/** One of `allowed`, case-insensitively; the stored value is the allowed spelling. */
export function OptionalChoice(name: string, allowed: readonly string[]): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) =>
      typeof value === 'string'
        ? (allowed.find((choice) => choice.toLowerCase() === value.toLowerCase()) ?? value)
        : value,
    ),
    IsIn(allowed as string[], { message: `The '${name}' parameter must be one of ${allowed.join(', ')}` }),
  );
}

/** A list parameter sent repeated (as the SDKs do) or as one space- or comma-separated value. */
export function OptionalWordList(name: string, allowed: readonly string[]): PropertyDecorator {
  const message = { message: `The '${name}' parameter must be one or more of ${allowed.join(', ')}` };
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) =>
      (Array.isArray(value) ? value : [value]).flatMap((item: unknown) =>
        typeof item === 'string' ? splitEventList(item) : [item],
      ),
    ),
    IsIn(allowed as string[], { each: true, ...message }),
    ArrayNotEmpty(message),
    IsArray(message),
  );
}

/** A parameter Twilio documents that the platform accepts and does not act on (see README). */
export function AcceptedText(name: string, maxLength = 4096): PropertyDecorator {
  const message = { message: `The '${name}' parameter must be text of at most ${maxLength} characters` };
  return applyDecorators(IsOptional(), IsString(message), MaxLength(maxLength, message));
}
