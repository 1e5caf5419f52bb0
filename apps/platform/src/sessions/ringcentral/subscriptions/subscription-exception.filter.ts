import { ArgumentsHost, Catch } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, DomainErrorCode } from '../../../common/domain-error';
import { RingcentralExceptionFilter } from '../ringcentral-exception.filter';
import { RingcentralApiError, SubscriptionErrors } from './subscription-errors';

/**
 * The Subscription API's refusals carry RingCentral's own codes (SUB-525, SUB-406, CMN-405...); every
 * other error is answered as the rest of `/restapi` answers it.
 */
@Catch()
export class SubscriptionExceptionFilter extends RingcentralExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const refusal = ringcentralRefusal(exception);
    if (!refusal) return super.catch(exception, host);
    const { errorCode, message, parameterName } = refusal;
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(refusal.status)
      .json({
        errorCode,
        message,
        errors: [{ errorCode, message, ...(parameterName ? { parameterName } : {}) }],
      });
  }
}

function ringcentralRefusal(exception: unknown): RingcentralApiError | null {
  if (exception instanceof RingcentralApiError) return exception;
  // The request DTOs word their refusals as RingCentral does: `Parameter [name] value is invalid`.
  if (exception instanceof DomainError && exception.code === DomainErrorCode.InvalidParameter) {
    const name = /^Parameter \[([^\]]+)\]/.exec(exception.message)?.[1];
    if (name) return SubscriptionErrors.invalidParameter(name, exception.message);
  }
  return null;
}
