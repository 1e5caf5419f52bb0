import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { logRefusal, toErrorBody } from '../../common/restcomm-exception.filter';

/**
 * Error bodies of the PortSIP-style `/api` family: JSON `{ code, message, status }` with the HTTP status
 * (PortSIP documents no error body; this one is the platform's, the same codes as its other APIs).
 */
@Catch()
export class PortsipExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(PortsipExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { code, message, status } = toErrorBody(exception);
    logRefusal(this.logger, { code, message, status, more_info: '' }, exception);
    if (status === HttpStatus.UNAUTHORIZED) res.setHeader('WWW-Authenticate', 'Bearer realm="Callwright"');
    res.status(status).json({ code, message, status });
  }
}
