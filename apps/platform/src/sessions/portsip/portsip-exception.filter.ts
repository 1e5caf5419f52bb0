import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainErrorCode } from '../../common/domain-error';
import { logRefusal, toErrorBody } from '../../common/restcomm-exception.filter';

/**
 * PortSIP answers 400 for a leg that cannot be matched or an operation that does not apply to it now
 * (holding a ringing call); the platform's other APIs say 404 or 409 for these.
 */
const LEG_REFUSALS = new Set<number>([
  DomainErrorCode.PartyNotFound,
  DomainErrorCode.InvalidPartyState,
  DomainErrorCode.InvalidTransferState,
  DomainErrorCode.CallNotInProgress,
]);

/**
 * Error bodies of the PortSIP-style `/api` family: JSON `{ code, message, status }` with the HTTP status
 * (PortSIP documents no error body; this one is the platform's, the same codes as its other APIs).
 */
@Catch()
export class PortsipExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(PortsipExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    sendPortsipError(host.switchToHttp().getResponse<Response>(), exception, this.logger);
  }
}

export function sendPortsipError(res: Response, exception: unknown, logger: Logger): void {
  const body = toErrorBody(exception);
  const { code, message } = body;
  const status = LEG_REFUSALS.has(code) ? HttpStatus.BAD_REQUEST : body.status;
  logRefusal(logger, { code, message, status, more_info: '' }, exception);
  if (status === HttpStatus.UNAUTHORIZED) res.setHeader('WWW-Authenticate', 'Bearer realm="Callwright"');
  res.status(status).json({ code, message, status });
}
