import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { errorBody, ErrorBody, sendApiError } from './api-errors';
import { DomainError, DomainErrorCode } from './domain-error';
import { PlainTextRefusal } from './plain-text-refusal';

export type { ErrorBody } from './api-errors';

const STATUS_BY_CODE: Partial<Record<DomainErrorCode, number>> = {
  [DomainErrorCode.AuthenticationRequired]: HttpStatus.UNAUTHORIZED,
  [DomainErrorCode.AccountNotActive]: HttpStatus.UNAUTHORIZED,
  [DomainErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [DomainErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorCode.TooManyQueuedCalls]: HttpStatus.TOO_MANY_REQUESTS,
  [DomainErrorCode.TelephonyUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [DomainErrorCode.ConversationNotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorCode.PartyNotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorCode.TransferNotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorCode.InvalidPartyState]: HttpStatus.CONFLICT,
  [DomainErrorCode.InvalidTransferState]: HttpStatus.CONFLICT,
};

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof DomainError) {
    const status = STATUS_BY_CODE[exception.code] ?? HttpStatus.BAD_REQUEST;
    return { code: exception.code, message: exception.message, more_info: moreInfo(exception.code), status };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : String((response as { message?: unknown }).message ?? exception.message);
    // Unknown routes (Nest's NotFoundException) and other HTTP-level refusals: 20000 + status, e.g. 20404.
    return errorBody(status, message);
  }
  return errorBody(500, 'Internal server error');
}

/** Server errors with their stack; 503s (Asterisk down, shutting down) are expected refusals: one line. */
export function logRefusal(logger: Logger, body: ErrorBody, exception: unknown): void {
  if (body.status === HttpStatus.SERVICE_UNAVAILABLE) logger.warn(`503 ${body.code}: ${body.message}`);
  else if (body.status >= 500) logger.error(exception instanceof Error ? exception.stack : String(exception));
}

function moreInfo(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}

/**
 * Error bodies `{ code, message, more_info, status }`: JSON or XML for the RestComm 2012-04-24 family, and
 * JSON for Twilio 2010-04-01 paths (this is also the global filter, so unknown routes answer in shape).
 */
@Catch()
export class RestcommExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(RestcommExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (exception instanceof PlainTextRefusal) return exception.send(res);
    const body = toErrorBody(exception);
    logRefusal(this.logger, body, exception);
    sendApiError(req, res, body);
  }
}
