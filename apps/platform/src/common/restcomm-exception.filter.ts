import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorCode } from './domain-error';
import { sendRestcomm } from './restcomm-response';

const STATUS_BY_CODE: Partial<Record<DomainErrorCode, number>> = {
  [DomainErrorCode.AuthenticationRequired]: HttpStatus.UNAUTHORIZED,
  [DomainErrorCode.AccountNotActive]: HttpStatus.UNAUTHORIZED,
  [DomainErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [DomainErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorCode.TelephonyUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

export interface ErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

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
    // Body-parser failures (malformed JSON, oversize body) surface here as 4xx HttpExceptions.
    return { code: status, message, more_info: moreInfo(status), status };
  }
  return { code: 20500, message: 'Internal server error', more_info: moreInfo(20500), status: 500 };
}

function moreInfo(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}

/** Error bodies for the RestComm 2012-04-24 API family: `{ code, message, more_info, status }` in JSON or XML. */
@Catch()
export class RestcommExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(RestcommExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const body = toErrorBody(exception);
    if (body.status >= 500)
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (body.status === HttpStatus.UNAUTHORIZED)
      res.setHeader('WWW-Authenticate', 'Basic realm="Callwright"');
    sendRestcomm(req, res, body.status, 'RestException', body);
  }
}
