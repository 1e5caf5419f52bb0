import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { logRefusal, toErrorBody } from './restcomm-exception.filter';

/**
 * Error bodies of the Twilio 2010-04-01 family: always JSON `{ code, message, more_info, status }`
 * with the HTTP status, which is what the SDKs' RestException reads.
 */
@Catch()
export class TwilioExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(TwilioExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    logRefusal(this.logger, body, exception);
    if (body.status === HttpStatus.UNAUTHORIZED)
      res.setHeader('WWW-Authenticate', 'Basic realm="Callwright"');
    res.status(body.status).json(body);
  }
}
