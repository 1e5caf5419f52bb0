import { applyDecorators } from '@nestjs/common';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

/** Letters, digits, `_ . -`, not only digits (those look like phone numbers), not `cw-...` (reserved). */
export const LOGIN_PATTERN = /^(?![0-9]+$)(?!cw-)[A-Za-z0-9_.-]{1,64}$/;

export function ClientPassword(optional: boolean): PropertyDecorator {
  return applyDecorators(
    // applyDecorators registers in order, and class-validator (stopAtFirstError) checks in that order.
    ...(optional ? [IsOptional()] : []),
    IsString({ message: "The 'Password' parameter is required and must be text" }),
    Length(8, 128, { message: "The 'Password' parameter must be 8 to 128 characters" }),
  );
}

export function OptionalClientStatus(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsIn(['active', 'inactive'], { message: "The 'Status' parameter must be active or inactive" }),
  );
}

export function LoginField(): PropertyDecorator {
  return applyDecorators(
    IsString({ message: "The 'Login' parameter is required" }),
    Matches(LOGIN_PATTERN, {
      message:
        "The 'Login' parameter must be 1 to 64 letters, digits, '_', '.' or '-', not only digits, " +
        "and must not start with 'cw-'",
    }),
  );
}
