import { Injectable, Optional } from '@nestjs/common';
import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

/** What the API asks of the outbound HTTP client when an account gives it a URL. */
export abstract class AccountUrlPolicy {
  /** Why the URL is refused outright (it plainly names an internal service), or null. */
  abstract plainRefusal(url: string): string | null;
}

/**
 * Refuses, when they are given, URLs that plainly point at the platform's internal services (a literal
 * loopback address on the ARI port, say). Resolved through Nest's container (`useContainer` in
 * configure-app); created without one (plain unit tests of DTOs) it has no policy and passes everything,
 * since the connect-time check stays authoritative.
 */
@ValidatorConstraint({ name: 'isNotInternalUrl', async: false })
@Injectable()
export class NotInternalUrlConstraint implements ValidatorConstraintInterface {
  constructor(@Optional() private readonly policy?: AccountUrlPolicy) {}

  validate(value: unknown): boolean {
    return typeof value !== 'string' || !this.policy?.plainRefusal(value);
  }

  defaultMessage(args: ValidationArguments): string {
    const refusal = this.policy?.plainRefusal(String(args.value)) ?? 'it is internal';
    return `The '${args.property}' URL is refused: ${refusal}`;
  }
}
