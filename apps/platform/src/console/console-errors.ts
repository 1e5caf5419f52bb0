import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainErrorCode } from '../common/domain-error';
import { logRefusal, toErrorBody } from '../common/restcomm-exception.filter';

/** The console's own refusals that have no platform error code (CSRF, no session). */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ConsoleErrorBody {
  error: { code: string; message: string; status: number; apiCode: number | null };
}

const SLUG_BY_CODE: Partial<Record<DomainErrorCode, string>> = {
  [DomainErrorCode.AuthenticationRequired]: 'unauthenticated',
  [DomainErrorCode.AccountNotActive]: 'account_not_active',
  [DomainErrorCode.Forbidden]: 'forbidden',
  [DomainErrorCode.CallNotInProgress]: 'call_not_in_progress',
  [DomainErrorCode.TooManyQueuedCalls]: 'too_many_requests',
  [DomainErrorCode.TelephonyUnavailable]: 'telephony_unavailable',
};

const SLUG_BY_STATUS: Record<number, string> = {
  400: 'invalid_parameter',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'invalid_parameter',
  429: 'too_many_requests',
  503: 'telephony_unavailable',
};

/**
 * `{"error":{code,message,status,apiCode}}` for everything under /console/api: the status and the
 * numeric code are what the public API answers for the same failure (one mapping, toErrorBody).
 */
export function consoleErrorBody(exception: unknown): ConsoleErrorBody {
  if (exception instanceof ConsoleError)
    return {
      error: { code: exception.code, message: exception.message, status: exception.status, apiCode: null },
    };
  const body = toErrorBody(exception);
  const fromApi = !(exception instanceof HttpException) && body.status < 500;
  const code =
    (fromApi ? SLUG_BY_CODE[body.code as DomainErrorCode] : undefined) ??
    SLUG_BY_STATUS[body.status] ??
    (body.status >= 500 ? 'internal' : 'invalid_parameter');
  return { error: { code, message: body.message, status: body.status, apiCode: fromApi ? body.code : null } };
}

@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ConsoleExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = consoleErrorBody(exception);
    logRefusal(
      this.logger,
      { code: 0, message: body.error.message, more_info: '', status: body.error.status },
      exception,
    );
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.error.status).json(body);
  }
}
