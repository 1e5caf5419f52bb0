import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, DomainErrorCode } from './domain-error';

function firstFailure(errors: ValidationError[]): { code: DomainErrorCode; message: string } | undefined {
  for (const error of errors) {
    if (error.constraints) {
      const [constraint, message] = Object.entries(error.constraints)[0];
      const code =
        (error.contexts?.[constraint]?.code as DomainErrorCode | undefined) ??
        DomainErrorCode.InvalidParameter;
      return { code, message };
    }
    const nested = firstFailure(error.children ?? []);
    if (nested) return nested;
  }
  return undefined;
}

/** Strict validation everywhere: unknown parameters are refused, values converted to their declared types. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const failure = firstFailure(errors) ?? {
        code: DomainErrorCode.InvalidParameter,
        message: 'Invalid request',
      };
      return new DomainError(failure.code, failure.message);
    },
  });
}
